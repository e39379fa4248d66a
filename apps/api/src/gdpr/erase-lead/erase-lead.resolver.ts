import { Args, Field, ID, Int, Mutation, ObjectType, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { Actor } from '../../common/auth/actor';
import { AllowRoles, CurrentActor } from '../../common/auth/auth.decorators';
import { ProjectionWatermarks } from '../../common/read-your-writes/projection-watermarks';
import { LeadIdArgs } from '../lead-id.args';
import { EraseLeadCommand } from './erase-lead.handler';

@ObjectType('LeadErasure')
export class LeadErasureModel {
  @Field(() => ID)
  leadId!: string;

  @Field()
  erasedAt!: Date;

  @Field({ description: 'It had been erased before: nothing changed' })
  alreadyErased!: boolean;

  @Field(() => Int, { description: 'Enrollments that were still waiting or active and were stopped (LEAD_ERASED)' })
  enrollmentsStopped!: number;
}

@Resolver()
export class EraseLeadResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly watermarks: ProjectionWatermarks,
  ) {}

  @Mutation(() => LeadErasureModel, {
    description: "Erase a lead's personal data for good (owners and admins): its key is deleted, LeadErased recorded, its enrollments stopped, every read model purged",
  })
  @AllowRoles('OWNER', 'ADMIN')
  async eraseLead(@CurrentActor() actor: Actor, @Args() { leadId }: LeadIdArgs): Promise<LeadErasureModel> {
    const erasure = await this.commandBus.execute(new EraseLeadCommand(actor, leadId));
    await this.watermarks.waitFor(['leads', 'emails', 'enrollments'], erasure.position);
    return { leadId, erasedAt: new Date(erasure.erasedAt), alreadyErased: erasure.alreadyErased, enrollmentsStopped: erasure.enrollmentsStopped };
  }
}
