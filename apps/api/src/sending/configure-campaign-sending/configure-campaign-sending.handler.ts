import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Inject } from '@nestjs/common';
import { campaignDecider, fold, mailboxDecider } from '@app/domain';
import { MailboxEvent, streams } from '@app/events';
import { EventStore } from '@app/event-store';
import { CommandExecutor, EVENT_STORE } from '@app/platform';
import { Actor } from '../../common/auth/actor';
import { requireOwnWorkspace } from '../../common/auth/workspace-scope';
import { ConfigureCampaignSendingInput } from './configure-campaign-sending.input';

export class ConfigureCampaignSendingCommand extends Command<{ position: string | null }> {
  constructor(
    readonly actor: Actor,
    readonly input: ConfigureCampaignSendingInput,
  ) {
    super();
  }
}

/** CampaignSendingConfigured: the mailboxes (facts from their streams: this workspace's only), window and zone. */
@CommandHandler(ConfigureCampaignSendingCommand)
export class ConfigureCampaignSendingHandler implements ICommandHandler<ConfigureCampaignSendingCommand> {
  constructor(
    private readonly commands: CommandExecutor,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  private async mailboxes(workspaceId: string, ids: readonly string[]): Promise<Record<string, { connected: boolean }>> {
    const facts: Record<string, { connected: boolean }> = {};
    for (const id of new Set(ids)) {
      const state = fold(mailboxDecider, (await this.store.readStream(streams.mailbox(id))) as unknown as MailboxEvent[]);
      if (state.status !== 'none' && state.workspaceId === workspaceId) facts[id] = { connected: state.status === 'connected' };
    }
    return facts;
  }

  async execute({ actor, input }: ConfigureCampaignSendingCommand): Promise<{ position: string | null }> {
    const mailboxes = await this.mailboxes(actor.workspaceId, input.mailboxIds);
    const outcome = await this.commands.execute({
      name: 'ConfigureCampaignSending',
      streamId: streams.campaign(input.campaignId),
      decider: campaignDecider,
      command: (state) => {
        requireOwnWorkspace(state, actor.workspaceId, 'Campaign', input.campaignId);
        const window = input.sendWindow;
        return {
          type: 'ConfigureCampaignSending' as const,
          mailboxIds: input.mailboxIds,
          sendWindow: window ? { days: window.days, start: window.start, end: window.end } : null,
          timezone: input.timezone?.trim() || null,
          mailboxes,
          now: this.commands.now(),
        };
      },
    });
    return { position: outcome.appended?.position ?? null };
  }
}
