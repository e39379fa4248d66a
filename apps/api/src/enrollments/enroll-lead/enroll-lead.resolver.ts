import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { notFound } from '../../common/errors/api-errors';
import { ProjectionWatermarks } from '../../common/read-your-writes/projection-watermarks';
import { EnrollmentModel } from '../queries/enrollment.model';
import { EnrollmentsQuery } from '../queries/enrollments.query';
import { EnrollLeadCommand } from './enroll-lead.handler';
import { EnrollLeadInput } from './enroll-lead.input';

/** What an enrollment changes: the enrollment itself and the campaign's counters. */
export const ENROLLMENT_PROJECTIONS = ['enrollments', 'campaigns'] as const;

@Resolver()
export class EnrollLeadResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly watermarks: ProjectionWatermarks,
    private readonly enrollments: EnrollmentsQuery,
  ) {}

  @Mutation(() => EnrollmentModel, { description: 'Enrol a contactable lead in a campaign; in a launched campaign its first step is scheduled at once' })
  async enrollLead(@CurrentActor() actor: Actor, @Args('input') input: EnrollLeadInput): Promise<EnrollmentModel> {
    const { enrollmentId, position } = await this.commandBus.execute(new EnrollLeadCommand(actor, input.campaignId, input.leadId));
    await this.watermarks.waitFor(ENROLLMENT_PROJECTIONS, position);
    return (await this.enrollments.byId(actor.workspaceId, enrollmentId)) ?? Promise.reject(notFound('Enrollment', enrollmentId));
  }
}
