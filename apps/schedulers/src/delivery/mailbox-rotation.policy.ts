import { MailboxState } from '@app/domain';
import { MailboxLimits, MailboxProvider } from '@app/events';
import { dailyAllowance } from '@app/mail';

export { dailyAllowance };

const DAY_MS = 24 * 3600_000;
const MINUTE_MS = 60_000;

/** What a mailbox has sent lately, from `mailbox_sends` (every scheduler process counts there). */
export type SendUsage = {
  /** Reservations in the last 24 hours (a rolling day, as Gmail and Microsoft count), and the oldest of them. */
  lastDay: number;
  oldestInDay: Date | null;
  lastMinute: number;
  oldestInMinute: Date | null;
  /** The spacing (with jitter) the last reservation asked of the next one. */
  notBefore: Date | null;
};

export type MailboxForSending = { mailboxId: string; address: string; limits: MailboxLimits; connectedAt: string; usage: SendUsage };

export type MailboxChoice = { kind: 'send'; mailboxId: string; notBefore: Date } | { kind: 'wait'; until: Date; why: string };

/**
 * When the mailbox may send next: now if every limit allows it, else the first moment one
 * more send fits (the oldest send of the window leaving it, the spacing running out). When a
 * lowered limit leaves the window over by more than one, that moment is re-checked then.
 */
export function earliestSend(mailbox: MailboxForSending, now: Date): { at: Date; why: string | null } {
  const { limits, usage } = mailbox;
  const waits: { at: number; why: string }[] = [];
  const allowance = dailyAllowance(limits, mailbox.connectedAt, now);
  if (usage.lastDay >= allowance) {
    const rampNote = allowance < limits.perDay ? ` (ramping up: ${allowance} a day so far, ${limits.perDay} at most)` : '';
    waits.push({ at: (usage.oldestInDay?.getTime() ?? now.getTime()) + DAY_MS, why: `${mailbox.address} reached its daily limit of ${allowance}${rampNote}` });
  }
  if (usage.lastMinute >= limits.perMinute) {
    waits.push({ at: (usage.oldestInMinute?.getTime() ?? now.getTime()) + MINUTE_MS, why: `${mailbox.address} reached its limit of ${limits.perMinute} a minute` });
  }
  if (usage.notBefore && usage.notBefore.getTime() > now.getTime()) waits.push({ at: usage.notBefore.getTime(), why: `${mailbox.address} spaces its sends` });
  const latest = waits.reduce<{ at: number; why: string } | null>((a, b) => (a && a.at >= b.at ? a : b), null);
  return latest && latest.at > now.getTime() ? { at: new Date(latest.at), why: latest.why } : { at: now, why: null };
}

/** The spacing a send asks of the next one from the same mailbox: the minimum plus a random part. */
export function spacingAfter(limits: MailboxLimits, now: Date, jitterRoll: number): Date {
  const roll = Math.min(Math.max(jitterRoll, 0), 1);
  return new Date(now.getTime() + limits.minSpacingSeconds * 1000 + Math.round(roll * limits.jitterSeconds * 1000));
}

/**
 * Rotation over the campaign's mailboxes: of those that may send now, the one that sent least
 * in the last day (ties: the order given, which the caller varies per email); when none may,
 * wait for the soonest. Over-limit sends wait; they never fail.
 */
export function chooseMailbox(candidates: readonly MailboxForSending[], now: Date, jitterRoll: number): MailboxChoice {
  if (candidates.length === 0) return { kind: 'wait', until: new Date(now.getTime() + MINUTE_MS), why: 'no mailbox to send from' };
  const ready = candidates.filter((c) => earliestSend(c, now).why === null);
  if (ready.length) {
    const chosen = ready.reduce((a, b) => (b.usage.lastDay < a.usage.lastDay ? b : a));
    return { kind: 'send', mailboxId: chosen.mailboxId, notBefore: spacingAfter(chosen.limits, now, jitterRoll) };
  }
  const soonest = candidates.map((c) => earliestSend(c, now)).reduce((a, b) => (b.at.getTime() < a.at.getTime() ? b : a));
  return { kind: 'wait', until: soonest.at, why: soonest.why ?? 'waiting for a mailbox' };
}

/** A mailbox as delivery sees it: its state in the log, and whether this process can use its provider. */
export type MailboxFacts = { mailboxId: string; state: MailboxState; providerConfigured: boolean };

export type Route =
  /** The campaign names no mailbox: the default transport (the local outbox) as the campaign's creator. */
  | { kind: 'default' }
  | { kind: 'mailboxes'; candidates: string[] }
  | { kind: 'wait'; why: string };

const describe = (m: MailboxFacts): string => {
  if (m.state.status === 'none') return `mailbox ${m.mailboxId} (not found)`;
  if (m.state.status === 'disconnected') return `${m.state.address} (disconnected: ${m.state.reason === 'USER' ? 'by a user' : m.state.reason === 'REVOKED' ? 'access revoked, connect it again' : 'the provider refuses its credentials, connect it again'})`;
  if (!m.providerConfigured) return `${m.state.address} (${providerName(m.state.provider)} is not configured on the schedulers)`;
  return m.state.address;
};
const providerName = (p: MailboxProvider) => ({ GMAIL: 'Gmail', OUTLOOK: 'Microsoft 365', SMTP: 'SMTP', OUTBOX: 'the local outbox' })[p];
const usable = (m: MailboxFacts) => m.state.status === 'connected' && m.providerConfigured;

/**
 * Which mailboxes may send this email.
 * - An email already reserved on a mailbox (a retry) stays on it: its provider is the one to
 *   ask whether it already went out, and it already counts against that mailbox's limits.
 * - A follow-up goes from the mailbox of the first email while that one is still among the
 *   campaign's, so the conversation stays in one mailbox (and in one Gmail or Outlook thread).
 * - Otherwise any connected mailbox of the campaign, in rotation.
 * A mailbox that cannot send (disconnected, revoked) makes its emails wait, never fail.
 */
export function routeFor(input: { campaignMailboxIds: readonly string[]; reservedOn: string | null; threadMailboxId: string | null; mailboxes: readonly MailboxFacts[] }): Route {
  const byId = new Map(input.mailboxes.map((m) => [m.mailboxId, m]));
  const only = (id: string, role: string): Route => {
    const m = byId.get(id);
    if (m && usable(m)) return { kind: 'mailboxes', candidates: [id] };
    return { kind: 'wait', why: `waiting for ${m ? describe(m) : `mailbox ${id}`}: ${role}` };
  };
  if (input.reservedOn) return only(input.reservedOn, 'this email was already handed to it');
  if (input.campaignMailboxIds.length === 0) return { kind: 'default' };
  if (input.threadMailboxId && input.campaignMailboxIds.includes(input.threadMailboxId)) return only(input.threadMailboxId, 'the first email of this thread went from it');
  const mailboxes = input.campaignMailboxIds.map((id) => byId.get(id) ?? { mailboxId: id, state: { status: 'none' as const }, providerConfigured: false });
  const candidates = mailboxes.filter(usable).map((m) => m.mailboxId);
  if (candidates.length) return { kind: 'mailboxes', candidates };
  return { kind: 'wait', why: `waiting for a mailbox of the campaign to be connected: ${mailboxes.map(describe).join(', ')}` };
}
