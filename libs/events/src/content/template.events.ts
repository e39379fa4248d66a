import { z } from 'zod';
import { defineEvent } from '../core/define-event';
import { Id, Instant, NonEmpty } from '../core/primitives';

export const TemplateCategories = ['COLD_OUTREACH', 'FOLLOW_UP', 'MEETING_REQUEST', 'BREAKUP', 'NURTURE', 'OCCASION', 'OTHER'] as const;
export type TemplateCategory = (typeof TemplateCategories)[number];

export const TemplateCreated = defineEvent({
  type: 'TemplateCreated',
  schema: z.object({
    templateId: Id,
    workspaceId: Id,
    name: NonEmpty,
    subject: NonEmpty,
    body: NonEmpty,
    category: z.enum(TemplateCategories),
    /** Variables the template reads, as found when it was checked. */
    variables: z.array(z.string()),
    createdAt: Instant,
  }),
});

export const TemplateRevised = defineEvent({
  type: 'TemplateRevised',
  schema: z.object({
    templateId: Id,
    /** 1 for the first revision after creation (creation is revision 0). */
    revision: z.number().int().positive(),
    subject: NonEmpty,
    body: NonEmpty,
    variables: z.array(z.string()),
    revisedAt: Instant,
  }),
});

export const templateEvents = [TemplateCreated, TemplateRevised] as const;
