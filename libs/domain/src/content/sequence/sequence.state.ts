import { SequenceStep, StepCondition } from '@app/events';

export type SequenceState =
  | { status: 'none' }
  | { status: 'active'; sequenceId: string; workspaceId: string; name: string; steps: readonly SequenceStep[] };

/** A step as a user writes it: one template, or A/B variants with optional weights. */
export type SequenceStepInput = {
  delay: string;
  condition: StepCondition;
  templateId?: string;
  variants?: readonly { templateId: string; weight?: number }[];
};

export type SequenceCommand = {
  type: 'CreateSequence';
  sequenceId: string;
  workspaceId: string;
  name: string;
  steps: readonly SequenceStepInput[];
  /** Fact: the templates of this workspace that exist. */
  knownTemplateIds: ReadonlySet<string>;
  now: string;
};
