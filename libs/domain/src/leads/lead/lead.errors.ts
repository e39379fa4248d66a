import { DomainError } from '../../shared/domain-error';

export class LeadNotFound extends DomainError {
  readonly code = 'LEAD.NOT_FOUND';
  readonly kind = 'NOT_FOUND';
  constructor(readonly leadId?: string) {
    super(leadId ? `Lead ${leadId} not found` : 'Lead not found');
  }
}
export class LeadAlreadyExists extends DomainError {
  readonly code = 'LEAD.DUPLICATE_EMAIL';
  readonly kind = 'CONFLICT';
  constructor(readonly existingLeadId: string) {
    super(`A lead with this email already exists in the workspace (${existingLeadId}): update that lead instead`);
  }
}
export class InvalidLead extends DomainError {
  readonly code = 'LEAD.INVALID';
  readonly kind = 'BAD_INPUT';
  constructor(readonly field: string, message: string) {
    super(`${field}: ${message}`);
  }
}

export class LeadErased extends DomainError {
  readonly code = 'LEAD.ERASED';
  readonly kind = 'CONFLICT';
  constructor() {
    super("This lead's personal data was erased: it cannot be changed or contacted again");
  }
}
export class ImportantDateNotFound extends DomainError {
  readonly code = 'LEAD.DATE_NOT_FOUND';
  readonly kind = 'NOT_FOUND';
  constructor(readonly dateId: string) {
    super(`The lead has no important date ${dateId}`);
  }
}
