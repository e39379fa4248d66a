import { Field, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { MailboxLimits } from '@app/events';

@InputType()
export class MailboxRampUpInput {
  @Field(() => Int)
  @IsInt()
  @Min(1)
  startPerDay!: number;

  @Field(() => Int)
  @IsInt()
  @Min(0)
  increasePerDay!: number;
}

@InputType({ description: "Only the limits given change; the others keep their value (at first, the provider's defaults)" })
export class MailboxLimitsInput {
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  perDay?: number | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  perMinute?: number | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3600)
  minSpacingSeconds?: number | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3600)
  jitterSeconds?: number | null;

  @Field(() => MailboxRampUpInput, { nullable: true, description: 'null turns the ramp-up off; left out, it stays as it is' })
  @IsOptional()
  @ValidateNested()
  @Type(() => MailboxRampUpInput)
  rampUp?: MailboxRampUpInput | null;
}

/** The limits given, as the decider takes them: absent and null fields left out, except a null ramp-up (off). */
export function limitsOf(input: MailboxLimitsInput | null | undefined): Partial<MailboxLimits> | undefined {
  if (!input) return undefined;
  const limits: Partial<MailboxLimits> = {};
  for (const key of ['perDay', 'perMinute', 'minSpacingSeconds', 'jitterSeconds'] as const) {
    const value = input[key];
    if (typeof value === 'number') limits[key] = value;
  }
  if (input.rampUp === null) limits.rampUp = null;
  else if (input.rampUp) limits.rampUp = { startPerDay: input.rampUp.startPerDay, increasePerDay: input.rampUp.increasePerDay };
  return limits;
}
