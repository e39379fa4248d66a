import { DomainError } from '../../shared/domain-error';

export class UserAlreadyRegistered extends DomainError {
  readonly code = 'USER.ALREADY_REGISTERED';
  readonly kind = 'CONFLICT';
  constructor() {
    super('This account already exists: log in instead');
  }
}

export class InvalidUserDetails extends DomainError {
  readonly code = 'USER.INVALID_DETAILS';
  readonly kind = 'BAD_INPUT';
}
