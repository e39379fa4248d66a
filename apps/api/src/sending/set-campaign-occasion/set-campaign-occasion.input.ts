import { Field, ID, InputType } from '@nestjs/graphql';
import { IsEnum, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { OccasionKindEnum } from '../queries/campaign-sending.model';

@InputType()
export class SetCampaignOccasionInput {
  @Field(() => ID, { description: 'A draft campaign' })
  @IsUUID('all', { message: 'campaignId must be a UUID' })
  campaignId!: string;

  @Field(() => OccasionKindEnum)
  @IsEnum(OccasionKindEnum)
  occasion!: OccasionKindEnum;

  @Field(() => String, { nullable: true, description: 'For CUSTOM: the label of the leads’ dates it sends on (e.g. "Contract renewal")' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  customLabel?: string | null;

  @Field({ description: 'HH:MM, in the lead’s time zone (else the campaign’s, else UTC), e.g. 09:00' })
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'sendAtLocalTime must be a time of day as HH:MM, e.g. 09:00' })
  sendAtLocalTime!: string;
}
