import { Field, InputType } from '@nestjs/graphql';
import { IsString, Length, MaxLength } from 'class-validator';

@InputType()
export class ImproveEmailInput {
  @Field({ defaultValue: '', description: 'May be empty: a subject is then written' })
  @IsString()
  @MaxLength(998)
  subject!: string;

  @Field({ description: 'Plain text or HTML, with template variables' })
  @IsString()
  @Length(1, 20_000)
  body!: string;

  @Field({ defaultValue: '', description: 'What to improve, e.g. "shorter, and a clearer ask"' })
  @IsString()
  @MaxLength(2000)
  instructions!: string;
}
