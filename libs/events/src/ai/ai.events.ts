import { z } from 'zod';
import { defineEvent } from '../core/define-event';
import { Id, Instant } from '../core/primitives';

export const AiDraftKinds = ['GENERATE_EMAIL', 'IMPROVE_EMAIL', 'ADJUST_TONE', 'SUBJECT_LINES', 'CHECK_GRAMMAR', 'ICEBREAKER'] as const;
export type AiDraftKind = (typeof AiDraftKinds)[number];

/**
 * One AI generation: who asked, which model and prompt version, what it cost. Request and
 * answer are kept (as JSON text) so usage can be audited; when they concern a lead they are
 * sealed with that lead's key like all its personal data.
 */
export const AiDraftGenerated = defineEvent({
  type: 'AiDraftGenerated',
  schema: z.object({
    draftId: Id,
    workspaceId: Id,
    requestedBy: Id,
    kind: z.enum(AiDraftKinds),
    leadId: Id.optional(),
    campaignId: Id.optional(),
    model: z.string().min(1),
    promptVersion: z.string().min(1),
    /** Answered by the deterministic offline generator (no OPENAI_API_KEY). */
    offline: z.boolean(),
    /** Served from the short-lived cache of identical requests (no tokens spent). */
    cached: z.boolean(),
    promptTokens: z.number().int().min(0),
    completionTokens: z.number().int().min(0),
    totalTokens: z.number().int().min(0),
    request: z.string(),
    response: z.string(),
    generatedAt: Instant,
  }),
  personal: { subjectField: 'leadId', fields: { request: 'string', response: 'string' } },
});

export const aiEvents = [AiDraftGenerated] as const;
