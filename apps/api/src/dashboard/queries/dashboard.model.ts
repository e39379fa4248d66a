import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { RatesModel } from '../../campaigns/queries/campaign.model';

@ObjectType('DashboardCounts', { description: 'Counted on the UTC day each thing first happened; opened, clicked, replied and bounced count leads' })
export class DashboardCountsModel {
  @Field(() => Int)
  enrolled!: number;

  @Field(() => Int)
  emailsSent!: number;

  @Field(() => Int)
  leadsContacted!: number;

  @Field(() => Int)
  opened!: number;

  @Field(() => Int)
  clicked!: number;

  @Field(() => Int)
  replied!: number;

  @Field(() => Int)
  bounced!: number;

  @Field(() => Int)
  unsubscribed!: number;
}

@ObjectType('DashboardDay')
export class DashboardDayModel extends DashboardCountsModel {
  @Field({ description: 'UTC day, YYYY-MM-DD' })
  day!: string;
}

@ObjectType('Dashboard')
export class DashboardModel {
  @Field({ description: 'First day, YYYY-MM-DD (UTC)' })
  from!: string;

  @Field({ description: 'Last day, included' })
  to!: string;

  @Field(() => ID, { nullable: true, description: 'The campaign, or null for every campaign of the workspace' })
  campaignId!: string | null;

  @Field(() => DashboardCountsModel)
  totals!: DashboardCountsModel;

  @Field(() => RatesModel, { description: 'Rates of the totals' })
  rates!: RatesModel;

  @Field(() => [DashboardDayModel], { description: 'Every day from `from` to `to`, days without activity as zeros' })
  days!: DashboardDayModel[];
}
