import { SequenceEvent, SequenceStep } from '@app/events';
import { Decider, assertNever } from '../../shared/decider';
import { parseDelay } from '../../shared/time';
import { TemplateNotFound } from '../template/template.errors';
import { InvalidSequence, SequenceAlreadyExists } from './sequence.errors';
import { evolveSequence, initialSequenceState } from './sequence.evolve';
import { SequenceCommand, SequenceState, SequenceStepInput } from './sequence.state';

export const MAX_STEPS = 20;
export const MAX_VARIANTS = 5;
const VARIANT_KEYS = 'ABCDE';

function normaliseStep(step: SequenceStepInput, index: number, known: ReadonlySet<string>): SequenceStep {
  const label = `Step ${index + 1}`;
  parseDelay(step.delay);
  if (index === 0 && step.condition !== 'ALWAYS') {
    throw new InvalidSequence(`${label}: the first step has no earlier email to check, so its condition must be ALWAYS`);
  }
  const hasTemplate = step.templateId !== undefined;
  const hasVariants = step.variants !== undefined && step.variants.length > 0;
  if (hasTemplate === hasVariants) throw new InvalidSequence(`${label}: give either a templateId or a list of A/B variants, not both or neither`);
  const variants = hasTemplate ? [{ templateId: step.templateId as string, weight: 1 }] : (step.variants ?? []);
  if (variants.length > MAX_VARIANTS) throw new InvalidSequence(`${label}: at most ${MAX_VARIANTS} variants per step`);
  return {
    delay: step.delay,
    condition: step.condition,
    variants: variants.map((v, i) => {
      if (!known.has(v.templateId)) throw new TemplateNotFound(v.templateId);
      const weight = v.weight ?? 1;
      if (!Number.isInteger(weight) || weight < 1 || weight > 100) throw new InvalidSequence(`${label}: variant weights are whole numbers from 1 to 100`);
      return { key: VARIANT_KEYS[i] as string, templateId: v.templateId, weight };
    }),
  };
}

export function decideSequence(command: SequenceCommand, state: SequenceState): SequenceEvent[] {
  switch (command.type) {
    case 'CreateSequence': {
      if (state.status !== 'none') throw new SequenceAlreadyExists();
      const name = command.name.trim();
      if (!name || name.length > 200) throw new InvalidSequence('Give the sequence a name (1 to 200 characters)');
      if (command.steps.length === 0) throw new InvalidSequence('A sequence needs at least one step');
      if (command.steps.length > MAX_STEPS) throw new InvalidSequence(`A sequence has at most ${MAX_STEPS} steps`);
      const steps = command.steps.map((s, i) => normaliseStep(s, i, command.knownTemplateIds));
      return [{ type: 'SequenceCreated', data: { sequenceId: command.sequenceId, workspaceId: command.workspaceId, name, steps, createdAt: command.now } }];
    }
    default:
      return assertNever(command.type, 'sequence command');
  }
}

export const sequenceDecider: Decider<SequenceCommand, SequenceEvent, SequenceState> = {
  initialState: initialSequenceState,
  evolve: evolveSequence,
  decide: decideSequence,
};
