import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { AiLimitsModel } from '../../workspace/queries/workspace.model';

export enum AiDraftKindEnum {
  GENERATE_EMAIL = 'GENERATE_EMAIL',
  IMPROVE_EMAIL = 'IMPROVE_EMAIL',
  ADJUST_TONE = 'ADJUST_TONE',
  SUBJECT_LINES = 'SUBJECT_LINES',
  CHECK_GRAMMAR = 'CHECK_GRAMMAR',
  ICEBREAKER = 'ICEBREAKER',
}
registerEnumType(AiDraftKindEnum, { name: 'AiDraftKind', description: 'Which AI operation a generation was' });

@ObjectType('AiUsageTotals', { description: 'Token counts are Floats: a month of a large workspace can pass 2^31' })
export class AiUsageTotalsModel {
  @Field(() => Int, { description: 'Every recorded generation, cached and offline ones included' })
  requests!: number;

  @Field(() => Int)
  cachedRequests!: number;

  @Field(() => Int)
  offlineRequests!: number;

  @Field(() => Float)
  promptTokens!: number;

  @Field(() => Float)
  completionTokens!: number;

  @Field(() => Float)
  totalTokens!: number;

  @Field(() => Float, { nullable: true, description: "Estimated US dollars at list prices; null when a model's price is unknown" })
  estimatedCostUsd!: number | null;
}

@ObjectType('AiUserUsage')
export class AiUserUsageModel {
  @Field(() => ID)
  userId!: string;

  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => String, { nullable: true })
  email!: string | null;

  @Field(() => AiUsageTotalsModel)
  totals!: AiUsageTotalsModel;
}

@ObjectType('AiKindUsage')
export class AiKindUsageModel {
  @Field(() => AiDraftKindEnum)
  kind!: AiDraftKindEnum;

  @Field(() => AiUsageTotalsModel)
  totals!: AiUsageTotalsModel;
}

@ObjectType('AiModelUsage')
export class AiModelUsageModel {
  @Field()
  model!: string;

  @Field(() => AiUsageTotalsModel)
  totals!: AiUsageTotalsModel;
}

@ObjectType('AiUsage', { description: "One month of the workspace's AI use, from the recorded generations" })
export class AiUsageModel {
  @Field({ description: 'YYYY-MM (UTC)' })
  month!: string;

  @Field(() => AiUsageTotalsModel)
  totals!: AiUsageTotalsModel;

  @Field(() => [AiUserUsageModel], { description: 'Most tokens first' })
  byUser!: AiUserUsageModel[];

  @Field(() => [AiKindUsageModel])
  byKind!: AiKindUsageModel[];

  @Field(() => [AiModelUsageModel])
  byModel!: AiModelUsageModel[];

  @Field(() => AiLimitsModel, { description: 'The limits that apply now' })
  limits!: AiLimitsModel;

  @Field(() => Float, { description: "Tokens left in the month's budget (0 once spent)" })
  tokensRemaining!: number;
}
