import { Field, InputType } from '@nestjs/graphql';
import { IsEnum, IsString, Length } from 'class-validator';
import { AiToneEnum } from '../ai.models';

@InputType()
export class AdjustToneInput {
  @Field({ description: 'Plain text or HTML, with template variables' })
  @IsString()
  @Length(1, 20_000)
  body!: string;

  @Field(() => AiToneEnum)
  @IsEnum(AiToneEnum)
  tone!: AiToneEnum;
}
