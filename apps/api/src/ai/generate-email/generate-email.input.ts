import { Field, ID, InputType } from '@nestjs/graphql';
import { IsEnum, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { AiEmailLengthEnum, AiToneEnum } from '../ai.models';

@InputType()
export class GenerateEmailInput {
  @Field(() => ID, { nullable: true, description: "The lead to write to: the draft is grounded in its fields, custom fields and research notes. Without it, a draft for this workspace's leads in general" })
  @IsOptional()
  @IsUUID('all', { message: 'leadId must be a UUID' })
  leadId?: string;

  @Field(() => ID, { nullable: true, description: 'The campaign the email is for' })
  @IsOptional()
  @IsUUID('all', { message: 'campaignId must be a UUID' })
  campaignId?: string;

  @Field({ description: 'What the email should achieve, e.g. "book a 20-minute demo"' })
  @IsString()
  @Length(1, 500)
  goal!: string;

  @Field(() => AiToneEnum, { defaultValue: AiToneEnum.PROFESSIONAL })
  @IsEnum(AiToneEnum)
  tone!: AiToneEnum;

  @Field(() => AiEmailLengthEnum, { defaultValue: AiEmailLengthEnum.MEDIUM })
  @IsEnum(AiEmailLengthEnum)
  length!: AiEmailLengthEnum;

  @Field({ defaultValue: 'en', description: 'BCP 47 language tag: en, de, pt-BR...' })
  @IsString()
  @Length(2, 35)
  language!: string;
}
