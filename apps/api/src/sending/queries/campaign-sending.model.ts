import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { MailboxModel } from '../../mailboxes/queries/mailbox.model';

export enum WeekdayEnum {
  MON = 'MON',
  TUE = 'TUE',
  WED = 'WED',
  THU = 'THU',
  FRI = 'FRI',
  SAT = 'SAT',
  SUN = 'SUN',
}
registerEnumType(WeekdayEnum, { name: 'Weekday' });

export enum OccasionKindEnum {
  BIRTHDAY = 'BIRTHDAY',
  WORK_ANNIVERSARY = 'WORK_ANNIVERSARY',
  CUSTOM = 'CUSTOM',
}
registerEnumType(OccasionKindEnum, { name: 'OccasionKind', description: "A lead's important date: CUSTOM dates carry a label" });

@ObjectType('SendWindow', { description: "When emails may go out: these days, from start (inclusive) to end (exclusive), in the lead's time zone, else the campaign's" })
export class SendWindowModel {
  @Field(() => [WeekdayEnum])
  days!: WeekdayEnum[];

  @Field({ description: 'HH:MM, 24 h' })
  start!: string;

  @Field({ description: 'HH:MM, 24 h' })
  end!: string;
}

@ObjectType('CampaignOccasion', { description: "An occasion campaign sends its first step at sendAtLocalTime on each lead's date of this kind" })
export class CampaignOccasionModel {
  @Field(() => OccasionKindEnum)
  kind!: OccasionKindEnum;

  @Field(() => String, { nullable: true, description: 'For CUSTOM: the label of the dates it sends on' })
  customLabel!: string | null;

  @Field({ description: 'HH:MM in the lead’s time zone, else the campaign’s' })
  sendAtLocalTime!: string;
}

@ObjectType('CampaignSending', { description: 'Which mailboxes a campaign sends from (in rotation), and when' })
export class CampaignSendingModel {
  @Field(() => ID)
  campaignId!: string;

  @Field(() => [MailboxModel], { description: 'None: the campaign sends through the default transport (the local outbox) as its creator' })
  mailboxes!: MailboxModel[];

  @Field(() => SendWindowModel, { nullable: true })
  sendWindow!: SendWindowModel | null;

  @Field(() => String, { nullable: true, description: 'IANA time zone for leads without one (UTC when unset)' })
  timezone!: string | null;

  @Field(() => CampaignOccasionModel, { nullable: true })
  occasion!: CampaignOccasionModel | null;
}
