import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { ProjectionWatermarks } from '../../common/read-your-writes/projection-watermarks';
import { ENROLLMENT_PROJECTIONS } from '../enroll-lead/enroll-lead.resolver';
import { EnrollmentsQuery } from '../queries/enrollments.query';
import { EnrollLeadsCommand } from './enroll-leads.handler';
import { EnrollLeadsInput } from './enroll-leads.input';
import { EnrollLeadOutcomeEnum, EnrollLeadsResultModel } from './enroll-leads.model';

@Resolver()
export class EnrollLeadsResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly watermarks: ProjectionWatermarks,
    private readonly enrollments: EnrollmentsQuery,
  ) {}

  @Mutation(() => EnrollLeadsResultModel, { description: 'Enrol many leads; each gets a result (ENROLLED, ALREADY_ENROLLED, NOT_CONTACTABLE, NOT_FOUND) without failing the others' })
  async enrollLeads(@CurrentActor() actor: Actor, @Args('input') input: EnrollLeadsInput): Promise<EnrollLeadsResultModel> {
    const { results, position } = await this.commandBus.execute(new EnrollLeadsCommand(actor, input.campaignId, input.leadIds));
    await this.watermarks.waitFor(ENROLLMENT_PROJECTIONS, position);
    const ids = results.flatMap((r) => (r.enrollmentId ? [r.enrollmentId] : []));
    const enrollments = new Map((await this.enrollments.byIds(actor.workspaceId, ids)).map((e) => [e.id, e]));
    return {
      campaignId: input.campaignId,
      enrolled: new Set(results.filter((r) => r.outcome === 'ENROLLED').map((r) => r.leadId)).size,
      results: results.map((r) => ({ ...r, outcome: EnrollLeadOutcomeEnum[r.outcome], enrollment: r.enrollmentId ? (enrollments.get(r.enrollmentId) ?? null) : null })),
    };
  }
}
