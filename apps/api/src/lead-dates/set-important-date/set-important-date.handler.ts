import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { leadDecider } from '@app/domain';
import { streams } from '@app/events';
import { CommandExecutor } from '@app/platform';
import { v7 as uuidv7 } from 'uuid';
import { Actor } from '../../common/auth/actor';
import { requireOwnWorkspace } from '../../common/auth/workspace-scope';
import { SetLeadImportantDateInput } from './set-important-date.input';

export class SetLeadImportantDateCommand extends Command<{ dateId: string; position: string | null }> {
  constructor(
    readonly actor: Actor,
    readonly input: SetLeadImportantDateInput,
  ) {
    super();
  }
}

/** LeadImportantDateSet (date and label sealed with the lead's key: a birthday is personal data). */
@CommandHandler(SetLeadImportantDateCommand)
export class SetLeadImportantDateHandler implements ICommandHandler<SetLeadImportantDateCommand> {
  constructor(private readonly commands: CommandExecutor) {}

  async execute({ actor, input }: SetLeadImportantDateCommand): Promise<{ dateId: string; position: string | null }> {
    const dateId = input.dateId ?? uuidv7();
    const outcome = await this.commands.execute({
      name: 'SetImportantDate',
      streamId: streams.lead(input.leadId),
      decider: leadDecider,
      command: (state) => {
        requireOwnWorkspace(state, actor.workspaceId, 'Lead', input.leadId);
        return { type: 'SetImportantDate' as const, dateId, kind: input.kind, label: input.label ?? undefined, date: input.date, recurrence: input.recurrence, now: this.commands.now() };
      },
    });
    return { dateId, position: outcome.appended?.position ?? null };
  }
}
