import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { OccasionKindEnum } from '../../sending/queries/campaign-sending.model';

export enum DateRecurrenceEnum {
  YEARLY = 'YEARLY',
  ONCE = 'ONCE',
}
registerEnumType(DateRecurrenceEnum, { name: 'DateRecurrence' });

@ObjectType('LeadImportantDate', { description: 'A date that matters to a lead (birthday, work anniversary, custom): occasion campaigns send on it' })
export class LeadImportantDateModel {
  @Field(() => ID)
  dateId!: string;

  @Field(() => ID)
  leadId!: string;

  @Field(() => OccasionKindEnum)
  kind!: OccasionKindEnum;

  @Field(() => String, { nullable: true })
  label!: string | null;

  @Field({ description: 'YYYY-MM-DD, or --MM-DD when the year is unknown' })
  date!: string;

  @Field(() => DateRecurrenceEnum)
  recurrence!: DateRecurrenceEnum;
}
