import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { auditLogDecider } from '@app/domain';
import { streams } from '@app/events';
import { AnchorOutcome } from '@app/event-store';
import { CommandExecutor } from '@app/platform';
import { v7 as uuidv7 } from 'uuid';
import { Actor } from '../../common/auth/actor';
import { WorkspaceAuditService } from '../audit-trail';

export class AnchorEventLogCommand extends Command<AnchorOutcome> {
  constructor(readonly actor: Actor) {
    super();
  }
}

/** An anchor on demand: the same as the schedulers' periodic one, written by the member who asked. */
@CommandHandler(AnchorEventLogCommand)
export class AnchorEventLogHandler implements ICommandHandler<AnchorEventLogCommand> {
  constructor(
    private readonly audit: WorkspaceAuditService,
    private readonly commands: CommandExecutor,
  ) {}

  execute({ actor }: AnchorEventLogCommand): Promise<AnchorOutcome> {
    return this.audit.anchor(actor.workspaceId, uuidv7(), async (build) => {
      const outcome = await this.commands.execute({
        name: 'RecordAnchor',
        streamId: streams.audit(actor.workspaceId),
        decider: auditLogDecider,
        tenantId: actor.workspaceId,
        actorId: actor.userId,
        command: build(this.commands.now()),
      });
      return { appended: outcome.appended !== null };
    });
  }
}
