import { z } from 'zod';
import { EventDefinition, EventOf } from './core/define-event';
import { userEvents, workspaceEvents } from './workspace/workspace.events';
import { templateEvents } from './content/template.events';
import { sequenceEvents } from './content/sequence.events';
import { campaignEvents } from './campaigns/campaign.events';
import { enrollmentEvents } from './campaigns/enrollment.events';
import { leadEvents } from './leads/lead.events';
import { mailboxEvents } from './mailboxes/mailbox.events';
import { auditEvents } from './audit/audit.events';
import { aiEvents } from './ai/ai.events';

/** Every event type of the system, grouped by the stream kind that records it. */
export const eventsByStream = {
  user: userEvents,
  workspace: workspaceEvents,
  template: templateEvents,
  sequence: sequenceEvents,
  campaign: campaignEvents,
  lead: leadEvents,
  enrollment: enrollmentEvents,
  mailbox: mailboxEvents,
  audit: auditEvents,
  ai: aiEvents,
} as const;

type StreamKind = keyof typeof eventsByStream;
type DefinitionsOf<K extends StreamKind> = (typeof eventsByStream)[K][number];

export type UserEvent = EventOf<DefinitionsOf<'user'>>;
export type WorkspaceEvent = EventOf<DefinitionsOf<'workspace'>>;
export type TemplateEvent = EventOf<DefinitionsOf<'template'>>;
export type SequenceEvent = EventOf<DefinitionsOf<'sequence'>>;
export type CampaignEvent = EventOf<DefinitionsOf<'campaign'>>;
export type LeadEvent = EventOf<DefinitionsOf<'lead'>>;
export type EnrollmentEvent = EventOf<DefinitionsOf<'enrollment'>>;
export type MailboxEvent = EventOf<DefinitionsOf<'mailbox'>>;
export type AuditEvent = EventOf<DefinitionsOf<'audit'>>;
export type AiEvent = EventOf<DefinitionsOf<'ai'>>;

/** Any event of the catalogue, discriminated on `type`. */
export type DomainEvent = EventOf<DefinitionsOf<StreamKind>>;
export type EventType = DomainEvent['type'];
export type EventData<T extends EventType> = Extract<DomainEvent, { type: T }>['data'];

export const allEventDefinitions: readonly EventDefinition[] = Object.values(eventsByStream).flat();

const byType = new Map<string, EventDefinition>(allEventDefinitions.map((d) => [d.type, d]));
if (byType.size !== allEventDefinitions.length) throw new Error('event catalogue: duplicate event type');

/** The event types, sorted: handy for exhaustiveness checks in tests. */
export const eventTypes = [...byType.keys()].sort() as EventType[];

/** Raised when a payload does not match its event's schema; names the type and each problem. */
export class InvalidEventPayload extends Error {
  constructor(
    readonly eventType: string,
    readonly version: number,
    readonly problems: string[],
  ) {
    super(`Invalid ${eventType} v${version} payload: ${problems.join('; ')}`);
    this.name = 'InvalidEventPayload';
  }
}

export class UnknownEventType extends Error {
  constructor(readonly eventType: string) {
    super(`Unknown event type "${eventType}": it is not in the event catalogue`);
    this.name = 'UnknownEventType';
  }
}

export function definitionOf(type: string): EventDefinition {
  const def = byType.get(type);
  if (!def) throw new UnknownEventType(type);
  return def;
}

function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(payload)'}: ${i.message}`);
}

function parseWith(schema: z.ZodType, type: string, version: number, data: unknown): unknown {
  const result = schema.safeParse(data);
  if (!result.success) throw new InvalidEventPayload(type, version, describeIssues(result.error));
  return result.data;
}

/** Validates a payload against the current version of its type; returns the parsed copy. */
export function validateEventData(type: string, data: unknown): unknown {
  const def = definitionOf(type);
  return parseWith(def.schema, type, def.version, data);
}

/**
 * Brings a stored payload to the current version: validates it against the schema of the
 * version it was written with, runs each upcaster in turn, and validates the result.
 */
export function upcastEventData(type: string, storedVersion: number, data: unknown, options: { validate?: boolean } = {}): { version: number; data: unknown } {
  const def = definitionOf(type);
  const validate = options.validate ?? true;
  if (storedVersion === def.version) {
    return { version: def.version, data: validate ? parseWith(def.schema, type, def.version, data) : data };
  }
  const start = def.history.findIndex((h) => h.version === storedVersion);
  if (start < 0) {
    throw new InvalidEventPayload(type, storedVersion, [`no schema for version ${storedVersion} (current is ${def.version})`]);
  }
  let current = data;
  for (const step of def.history.slice(start)) {
    current = step.upcast(validate ? parseWith(step.schema, type, step.version, current) : current);
  }
  return { version: def.version, data: validate ? parseWith(def.schema, type, def.version, current) : current };
}
