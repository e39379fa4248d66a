import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EnrollmentUseCases } from '@app/application';
import { Actor } from '../../common/auth/actor';

export class EnrollLeadCommand extends Command<{ enrollmentId: string; position: string | null }> {
  constructor(
    readonly actor: Actor,
    readonly campaignId: string,
    readonly leadId: string,
  ) {
    super();
  }
}

/** One enrollment per lead and campaign (its id derives from both): enrolling twice is a CONFLICT. */
@CommandHandler(EnrollLeadCommand)
export class EnrollLeadHandler implements ICommandHandler<EnrollLeadCommand> {
  constructor(private readonly enrollments: EnrollmentUseCases) {}

  async execute({ actor, campaignId, leadId }: EnrollLeadCommand): Promise<{ enrollmentId: string; position: string | null }> {
    const { enrollmentId, position } = await this.enrollments.enroll({ workspaceId: actor.workspaceId, campaignId, leadId, actorId: actor.userId });
    return { enrollmentId, position };
  }
}
