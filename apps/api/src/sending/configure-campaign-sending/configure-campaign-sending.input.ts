import { Field, ID, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsEnum, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateNested } from 'class-validator';
import { WeekdayEnum } from '../queries/campaign-sending.model';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

@InputType()
export class SendWindowInput {
  @Field(() => [WeekdayEnum])
  @IsArray()
  @ArrayMinSize(1, { message: 'a send window needs at least one day' })
  @IsEnum(WeekdayEnum, { each: true })
  days!: WeekdayEnum[];

  @Field({ description: 'HH:MM, 24 h, e.g. 09:00' })
  @Matches(HHMM, { message: 'start must be a time of day as HH:MM, e.g. 09:00' })
  start!: string;

  @Field({ description: 'HH:MM, 24 h, e.g. 17:30 (after start: windows across midnight are not supported)' })
  @Matches(HHMM, { message: 'end must be a time of day as HH:MM, e.g. 17:30' })
  end!: string;
}

@InputType()
export class ConfigureCampaignSendingInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'campaignId must be a UUID' })
  campaignId!: string;

  @Field(() => [ID], { description: 'The mailboxes to send from, in rotation (none: the default transport)' })
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true, message: 'mailboxIds must be UUIDs' })
  mailboxIds!: string[];

  @Field(() => SendWindowInput, { nullable: true, description: 'None: every day, every hour' })
  @IsOptional()
  @ValidateNested()
  @Type(() => SendWindowInput)
  sendWindow?: SendWindowInput | null;

  @Field(() => String, { nullable: true, description: 'IANA time zone (e.g. Europe/Paris) for leads without one; UTC when unset' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timezone?: string | null;
}
