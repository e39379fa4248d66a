import { DomainError } from '../../shared/domain-error';

export class EnrollmentNotFound extends DomainError {
  readonly code = 'ENROLLMENT.NOT_FOUND';
  readonly kind = 'NOT_FOUND';
  constructor(readonly enrollmentId?: string) {
    super(enrollmentId ? `Enrollment ${enrollmentId} not found` : 'Enrollment not found');
  }
}
export class AlreadyEnrolled extends DomainError {
  readonly code = 'ENROLLMENT.ALREADY_ENROLLED';
  readonly kind = 'CONFLICT';
  constructor(readonly enrollmentId: string) {
    super(`This lead is already enrolled in this campaign (enrollment ${enrollmentId}); a lead is enrolled once per campaign`);
  }
}
export class LeadNotContactable extends DomainError {
  readonly code = 'ENROLLMENT.LEAD_NOT_CONTACTABLE';
  readonly kind = 'CONFLICT';
  constructor(readonly leadStatus: string) {
    super(`This lead is ${leadStatus} and cannot be enrolled in any campaign`);
  }
}
export class CampaignClosed extends DomainError {
  readonly code = 'ENROLLMENT.CAMPAIGN_CLOSED';
  readonly kind = 'CONFLICT';
  constructor(readonly campaignStatus: string) {
    super(`The campaign is ${campaignStatus} and takes no new leads: create a new campaign`);
  }
}
export class EnrollmentFinished extends DomainError {
  readonly code: string;
  readonly kind = 'CONFLICT';
  constructor(status: 'completed' | 'stopped') {
    super(`The enrollment is ${status}: there is no step left to send`);
    this.code = `ENROLLMENT.ALREADY_${status.toUpperCase()}`;
  }
}
export class NoStepScheduled extends DomainError {
  readonly code = 'ENROLLMENT.NO_STEP_SCHEDULED';
  readonly kind = 'CONFLICT';
  constructor(detail: string) {
    super(detail);
  }
}
export class StepNotDue extends DomainError {
  readonly code = 'ENROLLMENT.STEP_NOT_DUE';
  readonly kind = 'CONFLICT';
  constructor(readonly stepIndex: number, readonly dueAt: string) {
    super(`Step ${stepIndex + 1} is not due until ${dueAt}; use sendStep to send it now`);
  }
}
export class CampaignNotSending extends DomainError {
  readonly code = 'ENROLLMENT.CAMPAIGN_NOT_SENDING';
  readonly kind = 'CONFLICT';
  constructor(readonly campaignStatus: string) {
    super(`The campaign is ${campaignStatus}, so nothing is sent: ${campaignStatus === 'paused' ? 'resume it first' : 'launch it first'}`);
  }
}
export class EmailNotInEnrollment extends DomainError {
  readonly code = 'EMAIL.NOT_FOUND';
  readonly kind = 'NOT_FOUND';
  constructor(readonly emailId: string) {
    super(`Email ${emailId} not found`);
  }
}
export class UnknownLink extends DomainError {
  readonly code = 'EMAIL.UNKNOWN_LINK';
  readonly kind = 'BAD_INPUT';
  constructor(readonly linkIndex: number) {
    super(`The email has no link number ${linkIndex}`);
  }
}
