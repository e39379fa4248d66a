import { SequenceEvent } from '@app/events';
import { InvalidDelay, InvalidSequence, SequenceAlreadyExists, SequenceCommand, SequenceStepInput, TemplateNotFound, sequenceDecider } from '@app/domain';
import { deciderSpec, fixedClock, idFactory } from '@app/testing';

const clock = fixedClock();
const id = idFactory();
const workspaceId = id('workspace');
const sequenceId = id('sequence');
const introId = id('template');
const introBId = id('template');
const followUpId = id('template');
const unknownId = id('template');

const spec = deciderSpec(sequenceDecider);

const createSequence = (steps: readonly SequenceStepInput[], over: Partial<SequenceCommand> = {}): SequenceCommand => ({
  type: 'CreateSequence',
  sequenceId,
  workspaceId,
  name: 'Cold outreach',
  steps,
  knownTemplateIds: new Set([introId, introBId, followUpId]),
  now: clock.now,
  ...over,
});
const intro: SequenceStepInput = { delay: 'PT0S', condition: 'ALWAYS', templateId: introId };
const followUp: SequenceStepInput = { delay: 'P3D', condition: 'IF_NOT_REPLIED', templateId: followUpId };

const created: SequenceEvent = {
  type: 'SequenceCreated',
  data: {
    sequenceId,
    workspaceId,
    name: 'Cold outreach',
    steps: [
      { delay: 'PT0S', condition: 'ALWAYS', variants: [{ key: 'A', templateId: introId, weight: 1 }] },
      { delay: 'P3D', condition: 'IF_NOT_REPLIED', variants: [{ key: 'A', templateId: followUpId, weight: 1 }] },
    ],
    createdAt: clock.now,
  },
};

describe('creating a sequence', () => {
  it('records each step with its delay, condition and a single variant A for a plain template', () => {
    spec.given([]).when(createSequence([intro, followUp], { name: '  Cold outreach ' })).then([created]);
  });

  it('keys A/B variants in order and defaults their weight to 1', () => {
    spec
      .given([])
      .when(createSequence([{ delay: 'PT4H', condition: 'ALWAYS', variants: [{ templateId: introId, weight: 70 }, { templateId: introBId }] }]))
      .then([
        {
          type: 'SequenceCreated',
          data: {
            sequenceId,
            workspaceId,
            name: 'Cold outreach',
            steps: [
              {
                delay: 'PT4H',
                condition: 'ALWAYS',
                variants: [
                  { key: 'A', templateId: introId, weight: 70 },
                  { key: 'B', templateId: introBId, weight: 1 },
                ],
              },
            ],
            createdAt: clock.now,
          },
        },
      ]);
  });

  it('refuses to create it twice', () => {
    spec.given([created]).when(createSequence([intro])).thenThrows(SequenceAlreadyExists);
  });
});

describe('a sequence with an invalid step', () => {
  it.each(['3 days', 'P', 'PT', 'PT1.5H', 'p3d', 'P-1D', 'P400D', ''])('refuses the delay %j as InvalidDelay', (delay) => {
    spec.given([]).when(createSequence([{ ...intro, delay }])).thenThrows(InvalidDelay, `"${delay}" is not an ISO-8601 duration`);
  });

  it.each(['IF_NOT_OPENED', 'IF_NOT_CLICKED', 'IF_NOT_REPLIED'] as const)('refuses %s on the first step: there is no earlier email', (condition) => {
    spec.given([]).when(createSequence([{ ...intro, condition }])).thenThrows(InvalidSequence, 'Step 1: the first step has no earlier email to check, so its condition must be ALWAYS');
  });

  it('refuses a template the workspace does not have, naming it', () => {
    spec.given([]).when(createSequence([intro, { ...followUp, templateId: unknownId }])).thenThrows(TemplateNotFound, `Template ${unknownId} not found`);
  });

  it('refuses an unknown template among the variants', () => {
    spec
      .given([])
      .when(createSequence([{ delay: 'PT0S', condition: 'ALWAYS', variants: [{ templateId: introId }, { templateId: unknownId }] }]))
      .thenThrows(TemplateNotFound, unknownId);
  });

  it('refuses a step with both a templateId and variants', () => {
    spec
      .given([])
      .when(createSequence([intro, { ...followUp, variants: [{ templateId: introBId }] }]))
      .thenThrows(InvalidSequence, 'Step 2: give either a templateId or a list of A/B variants, not both or neither');
  });

  it('refuses a step with neither a templateId nor variants', () => {
    spec.given([]).when(createSequence([{ delay: 'PT0S', condition: 'ALWAYS', variants: [] }])).thenThrows(InvalidSequence, 'not both or neither');
  });

  it.each([0, 101, 1.5])('refuses the variant weight %s', (weight) => {
    spec
      .given([])
      .when(createSequence([{ delay: 'PT0S', condition: 'ALWAYS', variants: [{ templateId: introId, weight }, { templateId: introBId }] }]))
      .thenThrows(InvalidSequence, 'weights are whole numbers from 1 to 100');
  });

  it('refuses more than five variants', () => {
    const variants = Array.from({ length: 6 }, () => ({ templateId: introId }));
    spec.given([]).when(createSequence([{ delay: 'PT0S', condition: 'ALWAYS', variants }])).thenThrows(InvalidSequence, 'at most 5 variants');
  });
});

describe('a sequence with an invalid shape', () => {
  it('refuses no steps', () => {
    spec.given([]).when(createSequence([])).thenThrows(InvalidSequence, 'at least one step');
  });

  it('refuses more than twenty steps', () => {
    spec.given([]).when(createSequence([intro, ...Array.from({ length: 20 }, () => followUp)])).thenThrows(InvalidSequence, 'at most 20 steps');
  });

  it.each(['', '  ', 'n'.repeat(201)])('refuses the name %j', (name) => {
    spec.given([]).when(createSequence([intro], { name })).thenThrows(InvalidSequence, /name/);
  });
});
