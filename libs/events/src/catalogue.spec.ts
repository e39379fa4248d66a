import { InvalidEventPayload, UnknownEventType, allEventDefinitions, definitionOf, eventTypes, upcastEventData, validateEventData } from '@app/events';

// libs/events imports no other lib (not even @app/testing), so ids and instants are written out.
const sequenceId = '6f1c2a9e-0000-4000-8000-000000000001';
const workspaceId = '6f1c2a9e-0000-4000-8000-000000000002';
const introId = '6f1c2a9e-0000-4000-8000-000000000003';
const followUpId = '6f1c2a9e-0000-4000-8000-000000000004';
const campaignId = '6f1c2a9e-0000-4000-8000-000000000005';
const leadId = '6f1c2a9e-0000-4000-8000-000000000006';
const enrollmentId = '6f1c2a9e-0000-4000-8000-000000000007';
const createdAt = '2025-03-03T09:00:00.000Z';

describe('a SequenceCreated stored as v1', () => {
  const v1 = {
    sequenceId,
    workspaceId,
    name: 'Cold outreach',
    steps: [
      { templateId: introId, delayDays: 0, condition: 'ALWAYS' },
      { templateId: followUpId, delayDays: 3, condition: 'IF_NOT_REPLIED' },
    ],
    createdAt,
  };

  it('reads as v2: whole days become an ISO delay, the template becomes a single variant A', () => {
    expect(upcastEventData('SequenceCreated', 1, v1)).toEqual({
      version: 2,
      data: {
        sequenceId,
        workspaceId,
        name: 'Cold outreach',
        steps: [
          { delay: 'P0D', condition: 'ALWAYS', variants: [{ key: 'A', templateId: introId, weight: 100 }] },
          { delay: 'P3D', condition: 'IF_NOT_REPLIED', variants: [{ key: 'A', templateId: followUpId, weight: 100 }] },
        ],
        createdAt,
      },
    });
  });

  it('is refused when it does not match the v1 schema, naming the field', () => {
    const broken = { ...v1, steps: [{ templateId: introId, delayDays: -1, condition: 'ALWAYS' }] };
    expect(() => upcastEventData('SequenceCreated', 1, broken)).toThrow(InvalidEventPayload);
    expect(() => upcastEventData('SequenceCreated', 1, broken)).toThrow(/^Invalid SequenceCreated v1 payload: steps\.0\.delayDays: /);
  });
});

describe('a CampaignCreated stored as v1', () => {
  it('reads as v2 with stopOnReply on, as every v1 campaign behaved', () => {
    const v1 = { campaignId, workspaceId, name: 'Q2 outbound', sequenceId, createdAt };
    expect(upcastEventData('CampaignCreated', 1, v1)).toEqual({ version: 2, data: { ...v1, stopOnReply: true } });
  });
});

describe('an event stored at its current version', () => {
  it('reads unchanged', () => {
    const data = { campaignId, workspaceId, name: 'Q2 outbound', sequenceId, stopOnReply: false, createdAt };
    expect(upcastEventData('CampaignCreated', 2, data)).toEqual({ version: 2, data });
  });

  it('is validated against the current schema', () => {
    expect(() => upcastEventData('CampaignCreated', 2, { campaignId, workspaceId, name: 'Q2', sequenceId, createdAt })).toThrow(
      /^Invalid CampaignCreated v2 payload: stopOnReply: /,
    );
  });
});

describe('an event stored at a version the catalogue does not know', () => {
  it('is refused, saying which versions exist', () => {
    expect(() => upcastEventData('CampaignCreated', 7, {})).toThrow('no schema for version 7 (current is 2)');
  });
});

describe('validating a payload', () => {
  const scheduled = { enrollmentId, campaignId, leadId, stepIndex: 0, dueAt: createdAt, reason: 'ENROLLED', scheduledAt: createdAt };

  it('accepts a payload that matches its schema', () => {
    expect(validateEventData('StepScheduled', scheduled)).toEqual(scheduled);
  });

  it('rejects a bad payload and names the field', () => {
    const validate = () => validateEventData('StepScheduled', { ...scheduled, dueAt: 'tomorrow morning' });
    expect(validate).toThrow(InvalidEventPayload);
    expect(validate).toThrow(/^Invalid StepScheduled v1 payload: dueAt: /);
  });

  it('names every field at fault, with its path', () => {
    try {
      validateEventData('SequenceCreated', {
        sequenceId,
        workspaceId,
        name: ' ',
        steps: [{ delay: '3 days', condition: 'ALWAYS', variants: [{ key: 'A', templateId: introId, weight: 100 }] }],
        createdAt,
      });
      throw new Error('expected InvalidEventPayload');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidEventPayload);
      const problems = error instanceof InvalidEventPayload ? error.problems : [];
      expect(problems).toEqual([expect.stringMatching(/^name: /), 'steps.0.delay: must be an ISO-8601 duration such as P2D, PT4H or PT30S']);
    }
  });

  it('rejects a missing field by name', () => {
    const { reason: _omitted, ...withoutReason } = scheduled;
    expect(() => validateEventData('StepScheduled', withoutReason)).toThrow(/reason: /);
  });

  it('rejects an event type that is not in the catalogue', () => {
    expect(() => validateEventData('LeadTeleported', {})).toThrow(UnknownEventType);
    expect(() => validateEventData('LeadTeleported', {})).toThrow('Unknown event type "LeadTeleported"');
  });
});

describe('the catalogue', () => {
  it('lists every definition once, sorted by type', () => {
    const types = allEventDefinitions.map((d) => d.type);
    expect(eventTypes).toEqual([...types].sort());
    expect(new Set(eventTypes).size).toBe(eventTypes.length);
  });

  it('keeps a history that steps one version at a time up to the current one', () => {
    for (const type of eventTypes) {
      const { version, history } = definitionOf(type);
      expect(history.map((h) => h.version)).toEqual(Array.from({ length: version - 1 }, (_, i) => i + 1));
    }
  });
});
