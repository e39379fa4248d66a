import { DomainError } from '../../shared/domain-error';
import { CampaignStatus } from './campaign.state';

export class CampaignNotFound extends DomainError {
  readonly code = 'CAMPAIGN.NOT_FOUND';
  readonly kind = 'NOT_FOUND';
  constructor(readonly campaignId?: string) {
    super(campaignId ? `Campaign ${campaignId} not found` : 'Campaign not found');
  }
}
export class CampaignAlreadyExists extends DomainError {
  readonly code = 'CAMPAIGN.ALREADY_EXISTS';
  readonly kind = 'CONFLICT';
  constructor() {
    super('This campaign already exists');
  }
}
export class InvalidCampaign extends DomainError {
  readonly code = 'CAMPAIGN.INVALID';
  readonly kind = 'BAD_INPUT';
}

const advice: Record<CampaignStatus, string> = {
  draft: 'launch it first',
  active: 'it is running',
  paused: 'resume it first',
  completed: 'it has completed; create a new campaign',
  archived: 'it is archived; create a new campaign',
};

/** The campaign's lifecycle does not allow this now; the message says why and what to do. */
export class CampaignStateConflict extends DomainError {
  readonly code: string;
  readonly kind = 'CONFLICT';
  constructor(action: string, readonly status: CampaignStatus) {
    super(`Cannot ${action} a campaign that is ${status}: ${advice[status]}`);
    this.code = `CAMPAIGN.${status.toUpperCase()}`;
  }
}
export class CampaignHasUnfinishedEnrollments extends DomainError {
  readonly code = 'CAMPAIGN.UNFINISHED_ENROLLMENTS';
  readonly kind = 'CONFLICT';
  constructor(count: number) {
    super(`The campaign still has ${count} unfinished enrollment(s); it completes when they finish, or archive it`);
  }
}
