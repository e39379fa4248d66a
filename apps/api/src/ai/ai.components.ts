import { AdjustToneHandler } from './adjust-tone/adjust-tone.handler';
import { AdjustToneResolver } from './adjust-tone/adjust-tone.resolver';
import { AiDrafting } from './ai-drafting.service';
import { AiRateLimiter } from './ai-rate-limiter';
import { AiResponseCache } from './ai-response-cache';
import { CheckGrammarHandler } from './check-grammar/check-grammar.handler';
import { CheckGrammarResolver } from './check-grammar/check-grammar.resolver';
import { CopilotService } from './copilot.service';
import { GenerateEmailHandler } from './generate-email/generate-email.handler';
import { GenerateEmailResolver } from './generate-email/generate-email.resolver';
import { GenerateIcebreakerHandler } from './generate-icebreaker/generate-icebreaker.handler';
import { GenerateIcebreakerResolver } from './generate-icebreaker/generate-icebreaker.resolver';
import { GenerateSubjectLinesHandler } from './generate-subject-lines/generate-subject-lines.handler';
import { GenerateSubjectLinesResolver } from './generate-subject-lines/generate-subject-lines.resolver';
import { ImproveEmailHandler } from './improve-email/improve-email.handler';
import { ImproveEmailResolver } from './improve-email/improve-email.resolver';
import { AiUsageQuery } from './queries/ai-usage.query';
import { AiUsageResolver } from './queries/ai-usage.resolver';
import { SaveDraftAsTemplateResolver } from './save-draft-as-template/save-draft-as-template.resolver';

/**
 * The AI copilot: drafting, rewriting, subject lines, grammar, icebreakers, and its usage
 * report. An ApiComponents, checked where api.components.ts registers it (importing the type
 * here would make an import cycle).
 */
export const aiComponents = {
  resolvers: [
    GenerateEmailResolver,
    ImproveEmailResolver,
    AdjustToneResolver,
    GenerateSubjectLinesResolver,
    CheckGrammarResolver,
    GenerateIcebreakerResolver,
    SaveDraftAsTemplateResolver,
    AiUsageResolver,
  ],
  handlers: [GenerateEmailHandler, ImproveEmailHandler, AdjustToneHandler, GenerateSubjectLinesHandler, CheckGrammarHandler, GenerateIcebreakerHandler],
  queries: [CopilotService, AiRateLimiter, AiResponseCache, AiDrafting, AiUsageQuery],
  controllers: [],
};
