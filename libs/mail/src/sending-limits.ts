import { MailboxLimits } from '@app/events';

const DAY_MS = 24 * 3600_000;

/**
 * The daily allowance with ramp-up: a mailbox connected `n` whole days ago may send
 * `startPerDay + n × increasePerDay`, up to `perDay`. A new address that suddenly sends
 * hundreds of cold emails is what spam filters look for.
 */
export function dailyAllowance(limits: MailboxLimits, connectedAt: string, now: Date): number {
  if (!limits.rampUp) return limits.perDay;
  const days = Math.max(0, Math.floor((now.getTime() - Date.parse(connectedAt)) / DAY_MS));
  return Math.min(limits.perDay, limits.rampUp.startPerDay + days * limits.rampUp.increasePerDay);
}
