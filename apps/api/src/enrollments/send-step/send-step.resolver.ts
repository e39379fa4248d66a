import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { notFound } from '../../common/errors/api-errors';
import { ProjectionWatermarks } from '../../common/read-your-writes/projection-watermarks';
import { EnrollmentModel } from '../queries/enrollment.model';
import { EnrollmentsQuery } from '../queries/enrollments.query';
import { SendStepCommand } from './send-step.handler';
import { SendStepInput } from './send-step.input';

@Resolver()
export class SendStepResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly watermarks: ProjectionWatermarks,
    private readonly enrollments: EnrollmentsQuery,
  ) {}

  @Mutation(() => EnrollmentModel, { description: "Send the enrollment's current step now (its email is queued, or the step is skipped when its condition says so)" })
  async sendStep(@CurrentActor() actor: Actor, @Args('input') input: SendStepInput): Promise<EnrollmentModel> {
    const { position } = await this.commandBus.execute(new SendStepCommand(actor, input.enrollmentId));
    await this.watermarks.waitFor(['enrollments', 'emails'], position);
    return (await this.enrollments.byId(actor.workspaceId, input.enrollmentId)) ?? Promise.reject(notFound('Enrollment', input.enrollmentId));
  }
}
