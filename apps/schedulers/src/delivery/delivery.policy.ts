import { CampaignState, EnrollmentState, LeadState } from '@app/domain';
import { StopReason } from '@app/events';
import { TransportError } from '@app/mail';

/** What the worker knows about an email when a delivery message arrives. */
export type DeliveryFacts = {
  /** The email's delivery state in its enrollment ('unknown': no EmailQueued for it). */
  email: 'unknown' | 'queued' | 'sent' | 'failed';
  /** The lead's key is gone: the address and content read as erased. */
  personalDataErased: boolean;
  enrollment: EnrollmentState['status'];
  campaign: CampaignState['status'];
  lead: LeadState['status'];
};

export type DeliveryDecision =
  /** Nothing to do (already sent or failed, or no such email): acknowledge. */
  | { kind: 'skip'; why: string }
  /** Not now (the campaign is paused): hand it back without spending an attempt. */
  | { kind: 'hold'; afterMs: number; why: string }
  /**
   * Never send it: record it as failed (not sent) with the reason; when the enrollment is
   * still open, stop it first with `stop`, so it ends for the real reason rather than as
   * SEND_FAILED.
   */
  | { kind: 'abandon'; reason: string; stop?: StopReason }
  | { kind: 'send' };

export const HOLD_WHILE_PAUSED_MS = 30_000;

const leadStop: Record<Exclude<LeadState['status'], 'contactable' | 'none'>, StopReason> = {
  suppressed: 'SUPPRESSED',
  unsubscribed: 'UNSUBSCRIBED',
  erased: 'LEAD_ERASED',
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
  if (facts.lead !== 'contactable') return { kind: 'abandon', reason: `not sent: the lead is ${facts.lead}`, stop: open ? leadStop[facts.lead] : undefined };
  if (facts.personalDataErased) return { kind: 'abandon', reason: "not sent: the lead's personal data was erased", stop: open ? 'LEAD_ERASED' : undefined };
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

export type AfterSendFailure = { kind: 'retry'; afterMs: number } | { kind: 'fail'; reason: string };

/**
 * After a transport failed: retry a transient failure (after the wait the provider asked
 * for, if it said), until `maxAttempts`; a permanent one, or the last attempt, is recorded
 * as EmailFailed.
 */
export function afterSendFailure(error: unknown, attempt: number, maxAttempts: number): AfterSendFailure {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof TransportError && error.permanent) return { kind: 'fail', reason: message };
  if (attempt >= maxAttempts) return { kind: 'fail', reason: `gave up after ${attempt} attempts: ${message}` };
  const asked = error instanceof TransportError ? error.retryAfterMs : undefined;
  return { kind: 'retry', afterMs: asked !== undefined ? Math.max(0, asked) : sendRetryDelayMs(attempt) };
}
