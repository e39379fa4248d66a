import { DomainEvent } from '@app/events';
import { evolveCampaign } from './campaigns/campaign/campaign.evolve';
import { evolveEnrollment } from './campaigns/enrollment/enrollment.evolve';
import { evolveSequence } from './content/sequence/sequence.evolve';
import { evolveTemplate } from './content/template/template.evolve';
import { evolveLead } from './leads/lead/lead.evolve';
import { evolveUser } from './workspace/user/user.evolve';
import { evolveWorkspace } from './workspace/workspace/workspace.evolve';
import { evolveMailbox } from './mailboxes/mailbox/mailbox.evolve';
import { evolveAuditLog } from './audit/audit-log/audit-log.decide';
import { evolveAiUsage } from './ai/ai-usage/ai-usage.decide';

/** Every event some decider folds. Each evolve switches exhaustively over its own events. */
type Handled =
  | Parameters<typeof evolveUser>[1]
  | Parameters<typeof evolveWorkspace>[1]
  | Parameters<typeof evolveTemplate>[1]
  | Parameters<typeof evolveSequence>[1]
  | Parameters<typeof evolveCampaign>[1]
  | Parameters<typeof evolveLead>[1]
  | Parameters<typeof evolveEnrollment>[1]
  | Parameters<typeof evolveMailbox>[1]
  | Parameters<typeof evolveAuditLog>[1]
  | Parameters<typeof evolveAiUsage>[1];

type Unhandled = Exclude<DomainEvent['type'], Handled['type']>;

/**
 * Fails to compile when the catalogue gains an event type that no decider handles: the
 * error names the type.
 */
export const everyEventTypeIsHandled: [Unhandled] extends [never] ? true : { unhandled: Unhandled } = true;
