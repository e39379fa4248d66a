import { EventData, WriteMetadata } from '@app/events';

/** A stable 32-byte master key for tests (never a real one). */
export const TEST_MASTER_KEY = Buffer.alloc(32, 7);

export function writeMetadata(overrides: Partial<WriteMetadata> = {}): WriteMetadata {
  return {
    tenantId: '00000000-0000-4000-8000-00000000aaaa',
    actorId: '00000000-0000-4000-8000-00000000bbbb',
    correlationId: '00000000-0000-4000-8000-00000000cccc',
    causationId: null,
    occurredAt: '2025-03-03T09:00:00.000Z',
    ...overrides,
  };
}

export function templateCreated(templateId: string, overrides: Partial<EventData<'TemplateCreated'>> = {}) {
  return {
    type: 'TemplateCreated' as const,
    data: {
      templateId,
      workspaceId: '00000000-0000-4000-8000-00000000aaaa',
      name: 'Intro',
      subject: 'Hello {{firstName}}',
      body: 'Hi {{firstName}}, shall we talk?',
      category: 'COLD_OUTREACH' as const,
      variables: ['firstName'],
      createdAt: '2025-03-03T09:00:00.000Z',
      ...overrides,
    },
  };
}

export function templateRevised(templateId: string, revision: number, overrides: Partial<EventData<'TemplateRevised'>> = {}) {
  return {
    type: 'TemplateRevised' as const,
    data: {
      templateId,
      revision,
      subject: `Hello again (r${revision})`,
      body: `Revision ${revision}`,
      variables: [],
      revisedAt: '2025-03-03T10:00:00.000Z',
      ...overrides,
    },
  };
}

export function leadCreated(leadId: string, overrides: Partial<EventData<'LeadCreated'>> = {}) {
  return {
    type: 'LeadCreated' as const,
    data: {
      leadId,
      workspaceId: '00000000-0000-4000-8000-00000000aaaa',
      email: 'ada@example.com',
      emailHash: 'a'.repeat(64),
      firstName: 'Ada',
      lastName: 'Lovelace',
      company: 'Analytical Engines',
      customFields: { industry: 'computing' },
      source: 'MANUAL' as const,
      createdAt: '2025-03-03T09:00:00.000Z',
      ...overrides,
    },
  };
}
