import { Args, ArgsType, Field, ID, Query, Resolver } from '@nestjs/graphql';
import { IsOptional, IsUUID, Matches } from 'class-validator';
import { CampaignsQuery } from '../../campaigns/queries/campaigns.query';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { badInput, notFound } from '../../common/errors/api-errors';
import { DashboardModel } from './dashboard.model';
import { DashboardQuery } from './dashboard.query';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MAX_DAYS = 366;

@ArgsType()
export class DashboardArgs {
  @Field({ description: 'First UTC day, YYYY-MM-DD' })
  @Matches(DAY, { message: 'from must be a day written YYYY-MM-DD' })
  from!: string;

  @Field({ description: 'Last UTC day (included), YYYY-MM-DD' })
  @Matches(DAY, { message: 'to must be a day written YYYY-MM-DD' })
  to!: string;

  @Field(() => ID, { nullable: true, description: 'One campaign (default: all of the workspace)' })
  @IsOptional()
  @IsUUID('all', { message: 'campaignId must be a UUID' })
  campaignId?: string | null;
}

const realDay = (day: string) => !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) && new Date(`${day}T00:00:00Z`).toISOString().startsWith(day);

@Resolver(() => DashboardModel)
export class DashboardResolver {
  constructor(
    private readonly query: DashboardQuery,
    private readonly campaigns: CampaignsQuery,
  ) {}

  @Query(() => DashboardModel, { description: `Totals, rates and a per-day series over at most ${MAX_DAYS} days` })
  async dashboard(@CurrentActor() actor: Actor, @Args() { from, to, campaignId }: DashboardArgs): Promise<DashboardModel> {
    if (!realDay(from)) throw badInput(`from: ${from} is not a calendar day`, 'DASHBOARD.BAD_RANGE');
    if (!realDay(to)) throw badInput(`to: ${to} is not a calendar day`, 'DASHBOARD.BAD_RANGE');
    if (from > to) throw badInput('from must not be after to', 'DASHBOARD.BAD_RANGE');
    if ((Date.parse(to) - Date.parse(from)) / 86_400_000 + 1 > MAX_DAYS) throw badInput(`The range covers more than ${MAX_DAYS} days: ask for a shorter one`, 'DASHBOARD.BAD_RANGE');
    if (campaignId && !(await this.campaigns.exists(actor.workspaceId, campaignId))) throw notFound('Campaign', campaignId);
    return this.query.between(actor.workspaceId, from, to, campaignId ?? null);
  }
}
