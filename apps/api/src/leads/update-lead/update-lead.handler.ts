import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Facts, emailHash, stableIds } from '@app/application';
import { LeadNotFound, leadDecider, normaliseEmail } from '@app/domain';
import { streams } from '@app/events';
import { CommandExecutor } from '@app/platform';
import { ApiSettings } from '../../api.config';
import { API_SETTINGS } from '../../api.tokens';
import { Actor } from '../../common/auth/actor';
import { requireOwnWorkspace } from '../../common/auth/workspace-scope';
import { LeadFieldsValue } from '../lead-fields';
import { LeadsQuery } from '../queries/leads.query';

export class UpdateLeadCommand extends Command<{ position: string | null }> {
  constructor(
    readonly actor: Actor,
    readonly leadId: string,
    readonly fields: Partial<LeadFieldsValue>,
  ) {
    super();
  }
}

@CommandHandler(UpdateLeadCommand)
export class UpdateLeadHandler implements ICommandHandler<UpdateLeadCommand> {
  constructor(
    private readonly commands: CommandExecutor,
    private readonly facts: Facts,
    private readonly leads: LeadsQuery,
    @Inject(API_SETTINGS) private readonly settings: ApiSettings,
  ) {}

  /** A lead of the workspace that has this address: the one whose id derives from it, or one changed to it. */
  private async holderOf(workspaceId: string, hash: string, leadId: string): Promise<string | null> {
    const derived = stableIds.lead(workspaceId, hash);
    if (derived !== leadId) {
      try {
        const holder = await this.facts.lead(derived, workspaceId);
        if (holder.profile.emailHash === hash) return derived;
      } catch (error) {
        if (!(error instanceof LeadNotFound)) throw error;
      }
    }
    return this.leads.otherWithEmailHash(workspaceId, hash, leadId);
  }

  async execute({ actor, leadId, fields }: UpdateLeadCommand): Promise<{ position: string | null }> {
    const hash = fields.email === undefined ? undefined : emailHash(this.settings.emailHashSecret, normaliseEmail(fields.email));
    const outcome = await this.commands.execute({
      name: 'UpdateLead',
      streamId: streams.lead(leadId),
      decider: leadDecider,
      command: async (state) => {
        const lead = requireOwnWorkspace(state, actor.workspaceId, 'Lead', leadId);
        const changed = hash !== undefined && lead.status !== 'none' && hash !== lead.profile.emailHash;
        return {
          type: 'UpdateLead' as const,
          ...fields,
          emailHash: hash,
          existingLeadId: changed ? await this.holderOf(actor.workspaceId, hash, leadId) : null,
          now: this.commands.now(),
        };
      },
    });
    return { position: outcome.appended?.position ?? null };
  }
}
