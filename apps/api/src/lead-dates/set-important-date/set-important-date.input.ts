import { Field, ID, InputType } from '@nestjs/graphql';
import { IsEnum, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { OccasionKindEnum } from '../../sending/queries/campaign-sending.model';
import { DateRecurrenceEnum } from '../queries/lead-date.model';

@InputType()
export class SetLeadImportantDateInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'leadId must be a UUID' })
  leadId!: string;

  @Field(() => ID, { nullable: true, description: 'To change a date already set; left out, a new date is added' })
  @IsOptional()
  @IsUUID('all', { message: 'dateId must be a UUID' })
  dateId?: string | null;

  @Field(() => OccasionKindEnum)
  @IsEnum(OccasionKindEnum)
  kind!: OccasionKindEnum;

  @Field(() => String, { nullable: true, description: 'Required for CUSTOM (an occasion campaign of that label sends on it)' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  label?: string | null;

  @Field({ description: 'YYYY-MM-DD, or --MM-DD when the year is unknown (29 February is celebrated on 28 February in other years)' })
  @Matches(/^(\d{4}|-)-\d{2}-\d{2}$/, { message: 'date must be YYYY-MM-DD, or --MM-DD when the year is unknown' })
  date!: string;

  @Field(() => DateRecurrenceEnum, { defaultValue: DateRecurrenceEnum.YEARLY })
  @IsEnum(DateRecurrenceEnum)
  recurrence!: DateRecurrenceEnum;
}
