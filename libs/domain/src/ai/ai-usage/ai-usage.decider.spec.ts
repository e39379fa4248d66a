import { AiEvent } from '@app/events';
import { AiBudgetExceeded, AiUsageCommand, aiUsageDecider, assertAiBudget } from '@app/domain';
import { MINUTE, deciderSpec, fixedClock, idFactory, stateAfter } from '@app/testing';

const clock = fixedClock();
const id = idFactory();
const workspaceId = id('workspace');
const userId = id('user');
const leadId = id('lead');
const campaignId = id('campaign');

const spec = deciderSpec(aiUsageDecider);

const recordDraft = (over: Partial<AiUsageCommand> = {}): AiUsageCommand => ({
  type: 'RecordAiDraft',
  draftId: id('draft'),
  workspaceId,
  requestedBy: userId,
  kind: 'GENERATE_EMAIL',
  model: 'gpt-4o-mini',
  promptVersion: 'generate-email@3',
  offline: false,
  cached: false,
  promptTokens: 420,
  completionTokens: 180,
  request: '{"goal":"book a demo"}',
  response: '{"subject":"A quick idea","body":"Hi Ada"}',
  now: clock.now,
  ...over,
});

/** A generation that spent `tokens` tokens. */
const generated = (tokens: number): AiEvent => ({
  type: 'AiDraftGenerated',
  data: {
    draftId: id('draft'),
    workspaceId,
    requestedBy: userId,
    kind: 'IMPROVE_EMAIL',
    model: 'gpt-4o-mini',
    promptVersion: 'improve-email@1',
    offline: false,
    cached: false,
    promptTokens: tokens,
    completionTokens: 0,
    totalTokens: tokens,
    request: '{}',
    response: '{}',
    generatedAt: clock.now,
  },
});

describe('recording an AI generation', () => {
  it('records who asked, the model and prompt, the exchange, and its tokens in total', () => {
    const draftId = id('draft');
    spec
      .given([])
      .when(recordDraft({ draftId, leadId, campaignId }))
      .then([
        {
          type: 'AiDraftGenerated',
          data: {
            draftId,
            workspaceId,
            requestedBy: userId,
            kind: 'GENERATE_EMAIL',
            leadId,
            campaignId,
            model: 'gpt-4o-mini',
            promptVersion: 'generate-email@3',
            offline: false,
            cached: false,
            promptTokens: 420,
            completionTokens: 180,
            totalTokens: 600,
            request: '{"goal":"book a demo"}',
            response: '{"subject":"A quick idea","body":"Hi Ada"}',
            generatedAt: clock.now,
          },
        },
      ]);
  });

  it.each([
    [10.6, 3.2, 11, 3, 14],
    [-5, 20, 0, 20, 20],
    [-0.4, -7, 0, 0, 0],
  ])('counts %p prompt and %p completion tokens as %p + %p = %p: whole, never negative', (promptTokens, completionTokens, prompt, completion, total) => {
    const [event] = spec.given([]).when(recordDraft({ promptTokens, completionTokens })).produced();
    expect(event?.data).toMatchObject({ promptTokens: prompt, completionTokens: completion, totalTokens: total });
  });

  it('records a retried generation once: its tokens are not counted twice', () => {
    const previous = generated(600);
    const retry = recordDraft({ draftId: previous.data.draftId });
    spec.given([previous]).when(retry).thenNothing();
  });

  it('counts token numbers that are not numbers as 0 rather than failing', () => {
    const [event] = spec.given([]).when(recordDraft({ promptTokens: Number.NaN, completionTokens: 12 })).produced();
    expect(event?.data).toMatchObject({ promptTokens: 0, completionTokens: 12, totalTokens: 12 });
  });

  it('records a cached or offline answer too, with the tokens it cost', () => {
    const [cached] = spec.given([]).when(recordDraft({ cached: true, promptTokens: 0, completionTokens: 0 })).produced();
    expect(cached?.data).toMatchObject({ cached: true, offline: false, totalTokens: 0 });
    const [offline] = spec.given([]).when(recordDraft({ offline: true, model: 'offline', promptTokens: 0, completionTokens: 0 })).produced();
    expect(offline?.data).toMatchObject({ offline: true, model: 'offline', totalTokens: 0 });
  });

  it('records a generation that went over the budget: its tokens were spent', () => {
    const [event] = spec.given([generated(5000)]).when(recordDraft({ kind: 'SUBJECT_LINES', now: clock.plus(MINUTE) })).produced();
    expect(event).toMatchObject({ type: 'AiDraftGenerated', data: { kind: 'SUBJECT_LINES', totalTokens: 600, generatedAt: clock.plus(MINUTE) } });
  });
});

describe("checking the month's AI budget before generating", () => {
  it('allows a generation while tokens remain', () => {
    expect(() => assertAiBudget(stateAfter(aiUsageDecider, []), 1000)).not.toThrow();
    expect(() => assertAiBudget(stateAfter(aiUsageDecider, [generated(600), generated(399)]), 1000)).not.toThrow();
  });

  it('refuses once the tokens used reach the budget, as a LIMIT that says what to do', () => {
    const spent = stateAfter(aiUsageDecider, [generated(600), generated(400)]);
    expect(() => assertAiBudget(spent, 1000)).toThrow(AiBudgetExceeded);
    expect(() => assertAiBudget(spent, 1000)).toThrow('This workspace has used 1000 of its 1000 AI tokens this month: ask an admin to raise the budget');
    let error: unknown = null;
    try {
      assertAiBudget(spent, 1000);
    } catch (caught: unknown) {
      error = caught;
    }
    expect(error).toMatchObject({ kind: 'LIMIT', code: 'AI.BUDGET_EXCEEDED', used: 1000, budget: 1000 });
  });

  it('refuses once the tokens used are past the budget', () => {
    expect(() => assertAiBudget(stateAfter(aiUsageDecider, [generated(1500)]), 1000)).toThrow('used 1500 of its 1000');
  });

  it('refuses everything with a budget of 0: AI drafting is switched off', () => {
    expect(() => assertAiBudget(stateAfter(aiUsageDecider, []), 0)).toThrow(AiBudgetExceeded);
  });
});
