import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { leadDecider } from '@app/domain';
import { streams } from '@app/events';
import { EventStore } from '@app/event-store';
import { CommandExecutor, EVENT_STORE } from '@app/platform';
import { Actor } from '../../common/auth/actor';
import { requireOwnWorkspace } from '../../common/auth/workspace-scope';
import { notFound } from '../../common/errors/api-errors';
import { EnrollmentsOfLead } from '../enrollments-of-lead';
import { LeadDataExport, leadDataExport } from './lead-data-export';

export class ExportLeadDataCommand extends Command<LeadDataExport> {
  constructor(
    readonly actor: Actor,
    readonly leadId: string,
  ) {
    super();
  }
}

/**
 * A data subject access request: reads the lead's stream and every stream of its enrollments
 * from the log (decrypted: the log is the record, read models are copies), assembles the
 * export, and records LeadDataExported on the lead's stream.
 */
@CommandHandler(ExportLeadDataCommand)
export class ExportLeadDataHandler implements ICommandHandler<ExportLeadDataCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly commands: CommandExecutor,
    private readonly enrollments: EnrollmentsOfLead,
  ) {}

  async execute({ actor, leadId }: ExportLeadDataCommand): Promise<LeadDataExport> {
    const workspaceId = actor.workspaceId;
    const lead = await this.store.readStream(streams.lead(leadId));
    if (!lead.length || lead[0]?.metadata.tenantId !== workspaceId) throw notFound('Lead', leadId);
    const ids = (await this.enrollments.all(workspaceId, leadId)).map((e) => e.enrollmentId);
    const histories = await this.store.readStreams(ids.map((id) => streams.enrollment(id)));
    const byEnrollment = new Map(ids.map((id) => [id, histories.get(streams.enrollment(id)) ?? []]));
    const exportedAt = this.commands.now();
    const result = leadDataExport(leadId, lead, byEnrollment, exportedAt);
    await this.commands.execute({
      name: 'RecordLeadDataExport',
      streamId: streams.lead(leadId),
      decider: leadDecider,
      tenantId: workspaceId,
      actorId: actor.userId,
      command: (state) => {
        requireOwnWorkspace(state, workspaceId, 'Lead', leadId);
        return { type: 'RecordLeadDataExport' as const, now: exportedAt };
      },
    });
    return result;
  }
}
