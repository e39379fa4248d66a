import { AiDraftKind, AiEvent } from '@app/events';
import { Decider, assertNever } from '../../shared/decider';
import { DomainError } from '../../shared/domain-error';

/** One workspace's AI use in one calendar month. */
export type AiUsageState = { tokensUsed: number; generations: number; draftIds: ReadonlySet<string> };

export type AiUsageCommand = {
  type: 'RecordAiDraft';
  draftId: string;
  workspaceId: string;
  requestedBy: string;
  kind: AiDraftKind;
  leadId?: string;
  campaignId?: string;
  model: string;
  promptVersion: string;
  offline: boolean;
  cached: boolean;
  promptTokens: number;
  completionTokens: number;
  request: string;
  response: string;
  now: string;
};

export class AiBudgetExceeded extends DomainError {
  readonly code = 'AI.BUDGET_EXCEEDED';
  readonly kind = 'LIMIT';
  constructor(readonly used: number, readonly budget: number) {
    super(`This workspace has used ${used} of its ${budget} AI tokens this month: ask an admin to raise the budget, or wait for next month`);
  }
}

/** Call before generating: generation is refused once the month's budget is spent. */
export function assertAiBudget(state: AiUsageState, budget: number): void {
  if (state.tokensUsed >= budget) throw new AiBudgetExceeded(state.tokensUsed, budget);
}

export const initialAiUsageState = (): AiUsageState => ({ tokensUsed: 0, generations: 0, draftIds: new Set() });

export function evolveAiUsage(state: AiUsageState, event: AiEvent): AiUsageState {
  switch (event.type) {
    case 'AiDraftGenerated':
      return { tokensUsed: state.tokensUsed + event.data.totalTokens, generations: state.generations + 1, draftIds: new Set(state.draftIds).add(event.data.draftId) };
    default:
      return assertNever(event.type, 'ai event');
  }
}

/** A generation that happened is recorded, always: its tokens were spent. */
const tokens = (n: number) => (Number.isFinite(n) ? Math.max(0, Math.round(n)) : 0);

export function decideAiUsage(command: AiUsageCommand, state: AiUsageState): AiEvent[] {
  switch (command.type) {
    case 'RecordAiDraft': {
      // A retried request records its draft once: tokens are never counted twice.
      if (state.draftIds.has(command.draftId)) return [];
      const { now, type: _type, ...rest } = command;
      const promptTokens = tokens(rest.promptTokens);
      const completionTokens = tokens(rest.completionTokens);
      return [{ type: 'AiDraftGenerated', data: { ...rest, promptTokens, completionTokens, totalTokens: promptTokens + completionTokens, generatedAt: now } }];
    }
    default:
      return assertNever(command.type, 'ai command');
  }
}

export const aiUsageDecider: Decider<AiUsageCommand, AiEvent, AiUsageState> = { initialState: initialAiUsageState, evolve: evolveAiUsage, decide: decideAiUsage };
