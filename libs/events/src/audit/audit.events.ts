import { z } from 'zod';
import { defineEvent } from '../core/define-event';
import { Id, Instant } from '../core/primitives';

/**
 * A Merkle root over every stream of the workspace (its head hash and its length) at one
 * moment: removing the tail of a stream, which its own chain cannot show, changes the root.
 */
export const AuditAnchored = defineEvent({
  type: 'AuditAnchored',
  schema: z.object({
    workspaceId: Id,
    anchorId: Id,
    merkleRoot: z.string().regex(/^[0-9a-f]{64}$/),
    streams: z.number().int().min(0),
    events: z.number().int().min(0),
    anchoredAt: Instant,
  }),
});

export const LogReadChannels = ['QUERY', 'EXPORT', 'VERIFY'] as const;
/** Who read the log and what they asked for: auditors' reads are themselves in the log. */
export const EventLogRead = defineEvent({
  type: 'EventLogRead',
  schema: z.object({
    workspaceId: Id,
    readerId: Id,
    channel: z.enum(LogReadChannels),
    filter: z.record(z.string(), z.string()),
    results: z.number().int().min(0),
    readAt: Instant,
  }),
});

export const auditEvents = [AuditAnchored, EventLogRead] as const;
