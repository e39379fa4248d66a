import { CampaignState, EnrollmentState, LeadState, SendWindowFacts, nextOpenSlot } from '@app/domain';
import { SkipReason, StopReason } from '@app/events';
import { MailboxAuthError, ProviderRateLimited, TransportError } from '@app/mail';

/** What the worker knows about an email when a delivery message arrives. */
export type DeliveryFacts = {
  /** The email's delivery state in its enrollment ('unknown': no EmailQueued for it). */
  email: 'unknown' | 'queued' | 'sent' | 'failed';
  /** The lead's key is gone: the address and content read as erased. */
  personalDataErased: boolean;
  enrollment: EnrollmentState['status'];
  campaign: CampaignState['status'];
  lead: LeadState['status'];
  /** The address is on the workspace's suppression list (whichever lead or campaign put it there), and why. */
  suppressed: string | null;
};

export type DeliveryDecision =
  /** Nothing to do (already sent or failed, or no such email): acknowledge. */
  | { kind: 'skip'; why: string }
  /** Not now (the campaign is paused): hand it back without spending an attempt. */
  | { kind: 'hold'; afterMs: number; why: string }
  /**
   * Never send it: record it as failed (not sent) with the reason; when the enrollment is
   * still open, stop it first with `stop`, so it ends for the real reason rather than as
   * SEND_FAILED. With `skip`, the lead may no longer be emailed: the step is recorded as
   * skipped for that reason (StepSkipped) as well.
   */
  | { kind: 'abandon'; reason: string; stop?: StopReason; skip?: SkipReason }
  | { kind: 'send' };

export const HOLD_WHILE_PAUSED_MS = 30_000;
/** How often an email waiting for its mailbox to be reconnected looks again. */
export const HOLD_FOR_MAILBOX_MS = 60_000;

const leadBlock: Record<Exclude<LeadState['status'], 'contactable' | 'none'>, { stop: StopReason; skip: SkipReason }> = {
  suppressed: { stop: 'SUPPRESSED', skip: 'LEAD_SUPPRESSED' },
  unsubscribed: { stop: 'UNSUBSCRIBED', skip: 'LEAD_UNSUBSCRIBED' },
  erased: { stop: 'LEAD_ERASED', skip: 'LEAD_ERASED' },
};

/**
 * Whether to send a queued email now. The facts are read at send time, not at queue time: a
 * lead who unsubscribed, replied or bounced after the step fell due is not emailed, and a
 * paused campaign holds its queued emails until it resumes.
 */
export function decideDelivery(facts: DeliveryFacts): DeliveryDecision {
  if (facts.email === 'unknown') return { kind: 'skip', why: 'no EmailQueued for this email in its enrollment' };
  if (facts.email !== 'queued') return { kind: 'skip', why: `already ${facts.email}` };
  const open = facts.enrollment === 'waiting' || facts.enrollment === 'active';
  if (facts.lead === 'none') return { kind: 'abandon', reason: 'not sent: the lead does not exist' };
  if (facts.lead !== 'contactable') {
    const block = leadBlock[facts.lead];
    return { kind: 'abandon', reason: `not sent: the lead is ${facts.lead}`, stop: open ? block.stop : undefined, skip: block.skip };
  }
  if (facts.personalDataErased) return { kind: 'abandon', reason: "not sent: the lead's personal data was erased", stop: open ? 'LEAD_ERASED' : undefined, skip: 'LEAD_ERASED' };
  if (facts.suppressed) {
    const unsubscribed = facts.suppressed === 'UNSUBSCRIBED';
    return {
      kind: 'abandon',
      reason: `not sent: the address is on the suppression list (${facts.suppressed})`,
      stop: open ? (unsubscribed ? 'UNSUBSCRIBED' : 'SUPPRESSED') : undefined,
      skip: unsubscribed ? 'LEAD_UNSUBSCRIBED' : 'LEAD_SUPPRESSED',
    };
  }
  if (!open) return { kind: 'abandon', reason: `not sent: the enrollment is ${facts.enrollment}` };
  switch (facts.campaign) {
    case 'active':
      return { kind: 'send' };
    case 'paused':
      return { kind: 'hold', afterMs: HOLD_WHILE_PAUSED_MS, why: 'the campaign is paused' };
    case 'archived':
      return { kind: 'abandon', reason: 'not sent: the campaign was archived', stop: 'CAMPAIGN_ARCHIVED' };
    case 'completed':
    case 'draft':
    case 'none':
      return { kind: 'abandon', reason: `not sent: the campaign is ${facts.campaign}` };
    default: {
      const unknown: never = facts.campaign;
      throw new Error(`unknown campaign status ${String(unknown)}`);
    }
  }
}

/** Backoff between transient send failures: 2 s, 4 s, 8 s ... capped at 5 minutes. */
export function sendRetryDelayMs(attempt: number): number {
  return Math.min(300_000, 1000 * 2 ** Math.max(1, attempt));
}

export type AfterSendFailure =
  | { kind: 'retry'; afterMs: number }
  /** The provider asked to slow down: wait as asked, without spending an attempt. */
  | { kind: 'wait'; afterMs: number; why: string }
  | { kind: 'fail'; reason: string };

/**
 * After a transport failed: wait out a provider's rate limit (as long as it asked, no attempt
 * spent); retry a transient failure (after the wait the provider asked for, if it said), until
 * `maxAttempts`; a permanent one, or the last attempt, is recorded as EmailFailed.
 */
export function afterSendFailure(error: unknown, attempt: number, maxAttempts: number): AfterSendFailure {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof ProviderRateLimited) return { kind: 'wait', afterMs: Math.max(1000, error.retryAfterMs ?? 60_000), why: `the provider asked to slow down: ${message}` };
  if (error instanceof TransportError && error.permanent) return { kind: 'fail', reason: message };
  if (attempt >= maxAttempts) return { kind: 'fail', reason: `gave up after ${attempt} attempts: ${message}` };
  const asked = error instanceof TransportError ? error.retryAfterMs : undefined;
  return { kind: 'retry', afterMs: asked !== undefined ? Math.max(0, asked) : sendRetryDelayMs(attempt) };
}

/**
 * A queued email that waited (a paused campaign, a disconnected mailbox, limits) may find the
 * send window closed by the time it can go: it waits for the window to open, in the lead's
 * zone (else the campaign's). A step sent by hand (sendStep) goes at once, as it was queued.
 */
export function sendWindowHold(now: Date, window: SendWindowFacts, manual: boolean): { afterMs: number; until: string; why: string } | null {
  if (!window || manual) return null;
  const at = now.toISOString();
  const until = nextOpenSlot(at, window.window, window.zone);
  const afterMs = Date.parse(until) - now.getTime();
  if (afterMs <= 0) return null;
  return { afterMs, until, why: `outside the send window (${window.window.days.join(',')} ${window.window.start}-${window.window.end} ${window.zone}); it opens at ${until}` };
}

/** A refused login or a revoked grant is the mailbox's problem: disconnect it, and hold its emails. */
export function mailboxProblem(error: unknown): { reason: 'REVOKED' | 'AUTH_FAILED'; detail: string } | null {
  return error instanceof MailboxAuthError ? { reason: error.problem, detail: error.message } : null;
}
