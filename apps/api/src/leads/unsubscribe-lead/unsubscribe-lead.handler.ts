import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { leadDecider } from '@app/domain';
import { streams } from '@app/events';
import { CommandExecutor } from '@app/platform';
import { Origin, actorIdOf } from '../../common/auth/origin';
import { requireOwnWorkspace } from '../../common/auth/workspace-scope';

export type UnsubscribeSource = 'LINK' | 'ONE_CLICK' | 'MANUAL';

export class UnsubscribeLeadCommand extends Command<{ position: string | null }> {
  constructor(
    readonly origin: Origin,
    readonly workspaceId: string,
    readonly leadId: string,
    readonly source: UnsubscribeSource,
    /** Attribution, when it came through an email's link. */
    readonly via?: { emailId: string; campaignId: string },
  ) {
    super();
  }
}

/**
 * LeadUnsubscribed on the lead's stream. Stopping the lead's enrollments is the schedulers'
 * reactor's job, from that event; unsubscribing twice changes nothing.
 */
@CommandHandler(UnsubscribeLeadCommand)
export class UnsubscribeLeadHandler implements ICommandHandler<UnsubscribeLeadCommand> {
  constructor(private readonly commands: CommandExecutor) {}

  async execute({ origin, workspaceId, leadId, source, via }: UnsubscribeLeadCommand): Promise<{ position: string | null }> {
    const outcome = await this.commands.execute({
      name: 'UnsubscribeLead',
      streamId: streams.lead(leadId),
      decider: leadDecider,
      tenantId: workspaceId,
      actorId: actorIdOf(origin, leadId),
      command: (state) => {
        requireOwnWorkspace(state, workspaceId, 'Lead', leadId);
        return { type: 'UnsubscribeLead' as const, source, emailId: via?.emailId, campaignId: via?.campaignId, now: this.commands.now() };
      },
    });
    return { position: outcome.appended?.position ?? null };
  }
}
