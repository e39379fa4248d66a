import { Inject, Injectable } from '@nestjs/common';
import { AiRefused, AiRequest, AiResults, AiUnavailable, CampaignContext, Completed, Generation, LeadContext, SenderContext, TokenUsage, WorkspaceContext } from '@app/ai';
import { Facts } from '@app/application';
import { LeadErased, LeadState, WorkspaceState, aiUsageDecider, assertAiBudget, fold, workspaceDecider } from '@app/domain';
import { AiDraftKind, AiEvent, WorkspaceEvent, streams } from '@app/events';
import { EventStore } from '@app/event-store';
import { AppLogger, CommandExecutor, EVENT_STORE, LOGGER, currentContext } from '@app/platform';
import { v7 as uuidv7 } from 'uuid';
import { Actor } from '../common/auth/actor';
import { ApiError, notFound } from '../common/errors/api-errors';
import { AiRateLimiter } from './ai-rate-limiter';
import { AiResponseCache } from './ai-response-cache';
import { CopilotService } from './copilot.service';

/** What a request may be grounded in, read from the streams at the time of asking. */
export type DraftingContext = { lead: LeadContext | null; campaign: CampaignContext | null; workspace: WorkspaceContext; sender: SenderContext };

export type Drafted<K extends AiDraftKind> = { draftId: string; generation: Generation<AiResults[K]>; cached: boolean };

type ActiveLead = Exclude<LeadState, { status: 'none' }>;

const monthOf = (instant: string) => instant.slice(0, 7);

function leadContext(lead: ActiveLead): LeadContext {
  const { firstName, lastName, company, title, customFields } = lead.profile;
  return { firstName, lastName, company, title, customFields };
}

function leadWarnings(lead: ActiveLead | null): string[] {
  if (lead?.status === 'unsubscribed') return ['This lead has unsubscribed: no campaign will send it this email'];
  if (lead?.status === 'suppressed') return ['This lead is suppressed (bounce or complaint): no campaign will send it this email'];
  return [];
}

/** The API's answer to an AI failure the caller cannot fix by rephrasing. */
function unavailable(error: AiUnavailable): ApiError {
  return new ApiError('INTERNAL_SERVER_ERROR', error.message, `AI.${error.reason}`);
}

/**
 * Every AI request takes the same road: facts from the streams (the lead, the workspace's
 * profile and limits, the month's usage), the request checked, the monthly token budget, the
 * workspace's rate, the cache, the model (or the offline generator), and one AiDraftGenerated
 * recording who asked, which model and prompt, and what it cost. A refused request records
 * nothing; an answer that was billed but unusable is recorded with its tokens, then refused.
 */
@Injectable()
export class AiDrafting {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LOGGER) private readonly logger: AppLogger,
    private readonly facts: Facts,
    private readonly commands: CommandExecutor,
    private readonly copilot: CopilotService,
    private readonly rateLimiter: AiRateLimiter,
    private readonly cache: AiResponseCache,
  ) {}

  async draft<R extends AiRequest>(actor: Actor, scope: { leadId?: string; campaignId?: string }, build: (context: DraftingContext) => R): Promise<Drafted<R['kind']>> {
    const workspaceId = actor.workspaceId;
    const month = monthOf(this.commands.now());
    const [histories, lead, campaign, sender] = await Promise.all([
      this.store.readStreams([streams.workspace(workspaceId), streams.ai(workspaceId, month)], { withholdPersonalData: true }),
      scope.leadId ? this.facts.lead(scope.leadId, workspaceId) : null,
      scope.campaignId ? this.facts.campaign(scope.campaignId, workspaceId) : null,
      this.facts.user(actor.userId),
    ]);
    if (lead?.status === 'erased') throw new LeadErased();
    const workspace: WorkspaceState = fold(workspaceDecider, (histories.get(streams.workspace(workspaceId)) ?? []) as unknown as WorkspaceEvent[]);
    if (workspace.status !== 'active') throw notFound('Workspace', workspaceId);
    const usage = fold(aiUsageDecider, (histories.get(streams.ai(workspaceId, month)) ?? []) as unknown as AiEvent[]);

    const request = build({
      lead: lead ? leadContext(lead) : null,
      campaign: campaign ? { name: campaign.state.name } : null,
      workspace: { companyName: workspace.profile.companyName, productDescription: workspace.profile.productDescription, website: workspace.profile.website },
      sender: { name: sender.status === 'registered' ? sender.name : undefined },
    });
    // Checks the request (language, lengths...) before anything is counted or spent.
    const prepared = this.copilot.copilot.prepare(request);

    const limits = workspace.aiLimits ?? this.copilot.settings.defaultLimits;
    assertAiBudget(usage, limits.monthlyTokenBudget);
    const slot = await this.rateLimiter.take(workspaceId, limits.requestsPerMinute);
    if (!slot.allowed) {
      throw new ApiError(
        'TOO_MANY_REQUESTS',
        `This workspace has used its ${limits.requestsPerMinute} AI requests per minute: try again in ${slot.retryAfterSeconds} seconds, or ask an owner or admin to raise the limit (setAiLimits)`,
        'AI.RATE_LIMITED',
        { retryAfterSeconds: slot.retryAfterSeconds },
      );
    }

    const leadId = lead?.leadId ?? null;
    const ttl = this.copilot.settings.cacheTtlSeconds;
    const cacheKey = ttl > 0 ? prepared.cacheKey : null;
    const hit = cacheKey ? await this.cache.get(workspaceId, cacheKey, leadId) : null;
    let generation = hit ? prepared.revive(hit) : null;
    const cached = generation !== null;
    if (!generation) {
      let completed: Completed<AiResults[R['kind']]>;
      try {
        completed = await prepared.run();
      } catch (error) {
        await this.recordFailure(actor, scope, prepared, error);
        if (error instanceof AiUnavailable) {
          this.logger.warn({ reason: error.reason, correlationId: currentContext()?.correlationId }, `AI request failed: ${error.message}`);
          throw unavailable(error);
        }
        throw error;
      }
      generation = completed.generation;
      if (cacheKey && completed.answer) {
        const answer = completed.answer;
        // A cache that cannot be written costs a future request tokens, not this one its answer.
        await this.cache.put(workspaceId, cacheKey, leadId, answer, ttl).catch((error: unknown) => this.logger.warn({ err: error }, 'AI answer not cached'));
      }
    }
    const answered: Generation<AiResults[R['kind']]> = { ...generation, warnings: [...leadWarnings(lead), ...generation.warnings] };

    const draftId = uuidv7();
    await this.record(actor, scope, {
      draftId,
      kind: prepared.kind,
      model: answered.model,
      promptVersion: answered.promptVersion,
      offline: answered.offline,
      cached,
      usage: answered.usage,
      request: prepared.audit,
      response: JSON.stringify({ result: answered.result, warnings: answered.warnings }),
    });
    return { draftId, generation: answered, cached };
  }

  /** A refusal or an unusable answer was billed: its tokens count against the budget too. */
  private async recordFailure(actor: Actor, scope: { leadId?: string; campaignId?: string }, prepared: { kind: AiDraftKind; promptVersion: string; audit: string }, error: unknown): Promise<void> {
    const spent = error instanceof AiRefused || error instanceof AiUnavailable ? error.spent : null;
    if (!spent) return;
    const failure = error instanceof AiRefused ? { failed: 'REFUSED', refusal: error.refusal } : { failed: error instanceof AiUnavailable ? error.reason : 'ERROR', message: error instanceof Error ? error.message : String(error) };
    await this.record(actor, scope, {
      draftId: uuidv7(),
      kind: prepared.kind,
      model: spent.model,
      promptVersion: prepared.promptVersion,
      offline: false,
      cached: false,
      usage: spent,
      request: prepared.audit,
      response: JSON.stringify(failure),
    });
  }

  private async record(
    actor: Actor,
    scope: { leadId?: string; campaignId?: string },
    draft: { draftId: string; kind: AiDraftKind; model: string; promptVersion: string; offline: boolean; cached: boolean; usage: TokenUsage; request: string; response: string },
  ): Promise<void> {
    const now = this.commands.now();
    await this.commands.execute({
      name: 'RecordAiDraft',
      streamId: streams.ai(actor.workspaceId, monthOf(now)),
      decider: aiUsageDecider,
      command: {
        type: 'RecordAiDraft',
        draftId: draft.draftId,
        workspaceId: actor.workspaceId,
        requestedBy: actor.userId,
        kind: draft.kind,
        leadId: scope.leadId,
        campaignId: scope.campaignId,
        model: draft.model,
        promptVersion: draft.promptVersion,
        offline: draft.offline,
        cached: draft.cached,
        promptTokens: draft.usage.promptTokens,
        completionTokens: draft.usage.completionTokens,
        request: draft.request,
        response: draft.response,
        now,
      },
    });
  }
}
