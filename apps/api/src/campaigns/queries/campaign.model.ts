import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConnectionOf } from '../../common/pagination/connection';

export enum CampaignStatusEnum {
  DRAFT = 'DRAFT',
  ACTIVE = 'ACTIVE',
  PAUSED = 'PAUSED',
  COMPLETED = 'COMPLETED',
  ARCHIVED = 'ARCHIVED',
}
registerEnumType(CampaignStatusEnum, { name: 'CampaignStatus' });

@ObjectType('CampaignCounters', { description: 'Derived from events; opened, clicked, replied and bounced count leads, not emails' })
export class CampaignCountersModel {
  @Field(() => Int, { description: 'Leads ever enrolled' })
  enrolled!: number;

  @Field(() => Int, { description: 'Enrollments waiting for launch or in progress' })
  active!: number;

  @Field(() => Int, { description: 'Enrollments that went through every step' })
  completed!: number;

  @Field(() => Int, { description: 'Enrollments stopped (reply, bounce, unsubscribe, ...)' })
  stopped!: number;

  @Field(() => Int, { description: 'Emails sent' })
  emailsSent!: number;

  @Field(() => Int, { description: 'Leads that were sent at least one email' })
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

  @Field(() => Int, { description: 'Emails that could not be sent' })
  failed!: number;
}

@ObjectType('Rates', { description: 'Shares of leads contacted, from 0 to 1 (0 when no lead was contacted)' })
export class RatesModel {
  @Field(() => Float)
  openRate!: number;

  @Field(() => Float)
  clickRate!: number;

  @Field(() => Float)
  replyRate!: number;

  @Field(() => Float)
  bounceRate!: number;

  @Field(() => Float)
  unsubscribeRate!: number;
}

type RateInputs = { leadsContacted: number; opened: number; clicked: number; replied: number; bounced: number; unsubscribed: number };

/** Rates over the leads contacted; nothing contacted yet means 0, never NaN. */
export function ratesOf(counts: RateInputs): RatesModel {
  const share = (n: number) => (counts.leadsContacted > 0 ? n / counts.leadsContacted : 0);
  return {
    openRate: share(counts.opened),
    clickRate: share(counts.clicked),
    replyRate: share(counts.replied),
    bounceRate: share(counts.bounced),
    unsubscribeRate: share(counts.unsubscribed),
  };
}

@ObjectType('Campaign')
export class CampaignModel {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => CampaignStatusEnum)
  status!: CampaignStatusEnum;

  @Field({ description: "Stop a lead's sequence when it replies" })
  stopOnReply!: boolean;

  @Field(() => ID)
  sequenceId!: string;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  launchedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  pausedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  completedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  archivedAt!: Date | null;

  @Field(() => CampaignCountersModel)
  counters!: CampaignCountersModel;

  @Field(() => RatesModel)
  rates!: RatesModel;
}

export const CampaignConnection = ConnectionOf(CampaignModel, 'Campaign');
