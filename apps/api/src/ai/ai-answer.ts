import { AiDraftKind } from '@app/events';
import { Drafted } from './ai-drafting.service';
import { AiAnswerModel } from './ai.models';

/** The fields every AI answer carries, from what the drafting recorded. */
export function answerFields<K extends AiDraftKind>(drafted: Drafted<K>): AiAnswerModel {
  const { generation } = drafted;
  return {
    draftId: drafted.draftId,
    offline: generation.offline,
    cached: drafted.cached,
    model: generation.model,
    promptVersion: generation.promptVersion,
    usage: { ...generation.usage, totalTokens: generation.usage.promptTokens + generation.usage.completionTokens },
    warnings: generation.warnings,
  };
}
