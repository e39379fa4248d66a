import { DomainError } from '../../shared/domain-error';

export class SequenceNotFound extends DomainError {
  readonly code = 'SEQUENCE.NOT_FOUND';
  readonly kind = 'NOT_FOUND';
  constructor(readonly sequenceId?: string) {
    super(sequenceId ? `Sequence ${sequenceId} not found` : 'Sequence not found');
  }
}
export class SequenceAlreadyExists extends DomainError {
  readonly code = 'SEQUENCE.ALREADY_EXISTS';
  readonly kind = 'CONFLICT';
  constructor() {
    super('This sequence already exists');
  }
}
export class InvalidSequence extends DomainError {
  readonly code = 'SEQUENCE.INVALID';
  readonly kind = 'BAD_INPUT';
}
