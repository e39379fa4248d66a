import { DomainError } from '../../shared/domain-error';

export class TemplateNotFound extends DomainError {
  readonly code = 'TEMPLATE.NOT_FOUND';
  readonly kind = 'NOT_FOUND';
  constructor(readonly templateId?: string) {
    super(templateId ? `Template ${templateId} not found` : 'Template not found');
  }
}
export class TemplateAlreadyExists extends DomainError {
  readonly code = 'TEMPLATE.ALREADY_EXISTS';
  readonly kind = 'CONFLICT';
  constructor() {
    super('This template already exists: revise it instead');
  }
}
export class InvalidTemplate extends DomainError {
  readonly code = 'TEMPLATE.INVALID';
  readonly kind = 'BAD_INPUT';
}
