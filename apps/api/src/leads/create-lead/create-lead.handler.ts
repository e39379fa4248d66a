import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { emailHash, stableIds } from '@app/application';
import { LeadAlreadyExists, leadDecider, normaliseEmail } from '@app/domain';
import { streams } from '@app/events';
import { CommandExecutor } from '@app/platform';
import { ApiSettings } from '../../api.config';
import { API_SETTINGS } from '../../api.tokens';
import { Actor } from '../../common/auth/actor';
import { LeadFieldsValue } from '../lead-fields';
import { LeadsQuery } from '../queries/leads.query';

export type LeadCreated = { leadId: string; position: string | null };

export class CreateLeadCommand extends Command<LeadCreated> {
  constructor(
    readonly actor: Actor,
    readonly fields: LeadFieldsValue,
    readonly source: 'MANUAL' | 'IMPORT',
  ) {
    super();
  }
}

/**
 * The lead id derives from the workspace and the keyed hash of the normalised address, so two
 * creations of one address (at the same time, or a retry) land on one stream: the second
 * changes nothing and is answered LEAD.DUPLICATE_EMAIL, which an import counts as a duplicate.
 */
@CommandHandler(CreateLeadCommand)
export class CreateLeadHandler implements ICommandHandler<CreateLeadCommand> {
  constructor(
    private readonly commands: CommandExecutor,
    private readonly leads: LeadsQuery,
    @Inject(API_SETTINGS) private readonly settings: ApiSettings,
  ) {}

  async execute({ actor, fields, source }: CreateLeadCommand): Promise<LeadCreated> {
    const workspaceId = actor.workspaceId;
    const hash = emailHash(this.settings.emailHashSecret, normaliseEmail(fields.email));
    const leadId = stableIds.lead(workspaceId, hash);
    const outcome = await this.commands.execute({
      name: 'CreateLead',
      streamId: streams.lead(leadId),
      decider: leadDecider,
      command: async (state) => ({
        type: 'CreateLead' as const,
        leadId,
        workspaceId,
        emailHash: hash,
        source,
        existingLeadId: state.status === 'none' ? await this.leads.otherWithEmailHash(workspaceId, hash, leadId) : null,
        now: this.commands.now(),
        ...fields,
      }),
    });
    if (outcome.events.length === 0) throw new LeadAlreadyExists(leadId);
    return { leadId, position: outcome.appended?.position ?? null };
  }
}
