import { z } from 'zod';
import { defineEvent, historicVersion } from '../core/define-event';
import { Id, Instant, IsoDuration, NonEmpty } from '../core/primitives';

export const StepConditions = ['ALWAYS', 'IF_NOT_OPENED', 'IF_NOT_CLICKED', 'IF_NOT_REPLIED'] as const;
export type StepCondition = (typeof StepConditions)[number];

const Variant = z.object({ key: z.string().regex(/^[A-Z]$/), templateId: Id, weight: z.number().int().min(1).max(100) });
const Step = z.object({
  /** Wait after the previous step was sent (the first step: after enrolment or launch). */
  delay: IsoDuration,
  condition: z.enum(StepConditions),
  /** One entry for a plain step; two or more for an A/B test. */
  variants: z.array(Variant).min(1),
});
export type SequenceStep = z.output<typeof Step>;

/**
 * v1 (first release) stored each step as `{ templateId, delayDays, condition }`: whole days
 * only, and no A/B variants. v2 stores an ISO-8601 delay and a list of variants.
 */
const SequenceCreatedV1 = z.object({
  sequenceId: Id,
  workspaceId: Id,
  name: NonEmpty,
  steps: z.array(z.object({ templateId: Id, delayDays: z.number().int().min(0), condition: z.enum(StepConditions) })).min(1),
  createdAt: Instant,
});

export const SequenceCreated = defineEvent({
  type: 'SequenceCreated',
  version: 2,
  schema: z.object({ sequenceId: Id, workspaceId: Id, name: NonEmpty, steps: z.array(Step).min(1), createdAt: Instant }),
  history: [
    historicVersion(1, SequenceCreatedV1, (v1) => ({
      ...v1,
      steps: v1.steps.map((s) => ({
        delay: `P${s.delayDays}D`,
        condition: s.condition,
        variants: [{ key: 'A', templateId: s.templateId, weight: 100 }],
      })),
    })),
  ],
});

export const sequenceEvents = [SequenceCreated] as const;
