import { Args, ArgsType, Field, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { IsEnum, IsOptional } from 'class-validator';
import { IdArgs } from '../../common/args/id.args';
import { PageArgs } from '../../common/args/page.args';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { notFound } from '../../common/errors/api-errors';
import { Connection } from '../../common/pagination/connection';
import { SequenceModel } from '../../sequences/queries/sequence.model';
import { SequencesQuery } from '../../sequences/queries/sequences.query';
import { CampaignConnection, CampaignModel, CampaignStatusEnum } from './campaign.model';
import { CampaignsQuery } from './campaigns.query';

@ArgsType()
export class CampaignsArgs extends PageArgs {
  @Field(() => CampaignStatusEnum, { nullable: true, description: 'Only campaigns in this status' })
  @IsOptional()
  @IsEnum(CampaignStatusEnum)
  status?: CampaignStatusEnum | null;
}

@Resolver(() => CampaignModel)
export class CampaignsResolver {
  constructor(
    private readonly query: CampaignsQuery,
    private readonly sequences: SequencesQuery,
  ) {}

  @Query(() => CampaignConnection, { description: "The workspace's campaigns, oldest first" })
  campaigns(@CurrentActor() actor: Actor, @Args() { status, first, after }: CampaignsArgs): Promise<Connection<CampaignModel>> {
    return this.query.list(actor.workspaceId, status, first, after);
  }

  @Query(() => CampaignModel)
  async campaign(@CurrentActor() actor: Actor, @Args() { id }: IdArgs): Promise<CampaignModel> {
    return (await this.query.byId(actor.workspaceId, id)) ?? Promise.reject(notFound('Campaign', id));
  }

  @ResolveField(() => SequenceModel, { description: 'The sequence it sends' })
  async sequence(@CurrentActor() actor: Actor, @Parent() campaign: CampaignModel): Promise<SequenceModel> {
    return (await this.sequences.byId(actor.workspaceId, campaign.sequenceId)) ?? Promise.reject(notFound('Sequence', campaign.sequenceId));
  }
}
