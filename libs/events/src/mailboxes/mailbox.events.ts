import { z } from 'zod';
import { defineEvent } from '../core/define-event';
import { Email, Id, Instant } from '../core/primitives';

export const MailboxProviders = ['GMAIL', 'OUTLOOK', 'SMTP', 'OUTBOX'] as const;
export type MailboxProvider = (typeof MailboxProviders)[number];

/**
 * How fast a mailbox may send. Over the limit, sends wait for the next slot; they never fail.
 * Ramp-up: a new mailbox starts at `startPerDay` and may send `increasePerDay` more each day
 * since it was connected, up to `perDay`.
 */
export const MailboxLimitsSchema = z.object({
  perDay: z.number().int().min(1).max(100_000),
  perMinute: z.number().int().min(1).max(10_000),
  minSpacingSeconds: z.number().int().min(0).max(3600),
  jitterSeconds: z.number().int().min(0).max(3600),
  rampUp: z.object({ startPerDay: z.number().int().min(1), increasePerDay: z.number().int().min(0) }).nullable(),
});
export type MailboxLimits = z.output<typeof MailboxLimitsSchema>;

/** Tokens and passwords never enter the log: they live encrypted in a table; this is the fact. */
export const MailboxConnected = defineEvent({
  type: 'MailboxConnected',
  schema: z.object({
    mailboxId: Id,
    workspaceId: Id,
    provider: z.enum(MailboxProviders),
    address: Email,
    displayName: z.string().trim().max(200).optional(),
    limits: MailboxLimitsSchema,
    connectedAt: Instant,
  }),
});

export const MailboxLimitsSet = defineEvent({
  type: 'MailboxLimitsSet',
  schema: z.object({ mailboxId: Id, limits: MailboxLimitsSchema, setAt: Instant }),
});

export const MailboxDisconnectReasons = ['USER', 'REVOKED', 'AUTH_FAILED'] as const;
/** A revoked grant or failing credentials: its sends wait (never dropped) until it is reconnected. */
export const MailboxDisconnected = defineEvent({
  type: 'MailboxDisconnected',
  schema: z.object({ mailboxId: Id, reason: z.enum(MailboxDisconnectReasons), detail: z.string().max(1000).optional(), disconnectedAt: Instant }),
});

export const MailboxReconnected = defineEvent({
  type: 'MailboxReconnected',
  schema: z.object({ mailboxId: Id, reconnectedAt: Instant }),
});

export const mailboxEvents = [MailboxConnected, MailboxLimitsSet, MailboxDisconnected, MailboxReconnected] as const;
