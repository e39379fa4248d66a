import { Field, InputType, Int } from '@nestjs/graphql';
import { IsInt, IsString, Length, Max, Min } from 'class-validator';

@InputType()
export class GenerateSubjectLinesInput {
  @Field({ description: 'The email body the subject lines are for' })
  @IsString()
  @Length(1, 20_000)
  body!: string;

  @Field(() => Int, { defaultValue: 5, description: '1 to 10' })
  @IsInt()
  @Min(1)
  @Max(10)
  count!: number;
}
