import { Inject } from '@nestjs/common';
import { Args, Query, Resolver } from '@nestjs/graphql';
import { CLOCK, Clock } from '@app/platform';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { badInput } from '../../common/errors/api-errors';
import { AiUsageModel } from './ai-usage.model';
import { AiUsageQuery } from './ai-usage.query';

@Resolver(() => AiUsageModel)
export class AiUsageResolver {
  constructor(
    private readonly query: AiUsageQuery,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Query(() => AiUsageModel, { description: "The workspace's AI use in a month: requests, tokens and estimated cost, per user, kind and model" })
  aiUsage(@CurrentActor() actor: Actor, @Args('month', { type: () => String, nullable: true, description: 'YYYY-MM (UTC); default: this month' }) month?: string | null): Promise<AiUsageModel> {
    const chosen = month ?? this.clock.now().toISOString().slice(0, 7);
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(chosen)) throw badInput(`month must be a calendar month as YYYY-MM, e.g. 2026-11 (got "${chosen}")`);
    return this.query.forMonth(actor.workspaceId, chosen);
  }
}
