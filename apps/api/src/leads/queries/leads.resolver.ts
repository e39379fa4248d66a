import { Args, ArgsType, Field, ID, InputType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsEnum, IsOptional, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import { IdArgs } from '../../common/args/id.args';
import { PageArgs } from '../../common/args/page.args';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { notFound } from '../../common/errors/api-errors';
import { Connection } from '../../common/pagination/connection';
import { EnrollmentModel } from '../../enrollments/queries/enrollment.model';
import { EnrollmentsQuery } from '../../enrollments/queries/enrollments.query';
import { LeadConnection, LeadModel, LeadStatusEnum } from './lead.model';
import { LeadsQuery } from './leads.query';

@InputType()
export class LeadsFilterInput {
  @Field(() => LeadStatusEnum, { nullable: true })
  @IsOptional()
  @IsEnum(LeadStatusEnum)
  status?: LeadStatusEnum | null;

  @Field(() => String, { nullable: true, description: 'Part of the email, first or last name, or company (case-insensitive)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  search?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only leads enrolled in this campaign' })
  @IsOptional()
  @IsUUID('all', { message: 'campaignId must be a UUID' })
  campaignId?: string | null;
}

@ArgsType()
export class LeadsArgs extends PageArgs {
  @Field(() => LeadsFilterInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => LeadsFilterInput)
  filter?: LeadsFilterInput | null;
}

@Resolver(() => LeadModel)
export class LeadsResolver {
  constructor(
    private readonly query: LeadsQuery,
    private readonly enrollmentsQuery: EnrollmentsQuery,
  ) {}

  @Query(() => LeadConnection, { description: "The workspace's leads, oldest first" })
  leads(@CurrentActor() actor: Actor, @Args() { filter, first, after }: LeadsArgs): Promise<Connection<LeadModel>> {
    return this.query.list(actor.workspaceId, filter ?? {}, first, after);
  }

  @Query(() => LeadModel)
  async lead(@CurrentActor() actor: Actor, @Args() { id }: IdArgs): Promise<LeadModel> {
    return (await this.query.byId(actor.workspaceId, id)) ?? Promise.reject(notFound('Lead', id));
  }

  @ResolveField(() => [EnrollmentModel], { description: 'Its campaigns, newest enrollment first' })
  enrollments(@CurrentActor() actor: Actor, @Parent() lead: LeadModel): Promise<EnrollmentModel[]> {
    return this.enrollmentsQuery.ofLead(actor.workspaceId, lead.id);
  }
}
