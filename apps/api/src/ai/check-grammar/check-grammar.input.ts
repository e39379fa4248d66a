import { Field, InputType } from '@nestjs/graphql';
import { IsString, Length } from 'class-validator';

@InputType()
export class CheckGrammarInput {
  @Field({ description: 'The text to proofread; template tags ({{ }}, {% %}) are never corrected' })
  @IsString()
  @Length(1, 20_000)
  text!: string;

  @Field({ defaultValue: 'en', description: 'BCP 47 language tag of the text' })
  @IsString()
  @Length(2, 35)
  language!: string;
}
