import { Field, InputType, Int } from '@nestjs/graphql';
import { IsInt, Max, Min } from 'class-validator';

@InputType()
export class SetAiLimitsInput {
  @Field(() => Int, { description: 'Tokens per calendar month (UTC); 0 switches AI drafting off' })
  @IsInt()
  @Min(0)
  monthlyTokenBudget!: number;

  @Field(() => Int, { description: 'AI requests per minute for the whole workspace, 1 to 10000' })
  @IsInt()
  @Min(1)
  @Max(10_000)
  requestsPerMinute!: number;
}
