import { MailboxLimits, MailboxProvider } from '@app/events';
import { InvalidMailbox } from './mailbox.errors';

/**
 * Defaults below the providers' published ceilings, with a ramp-up so a new mailbox builds a
 * sending reputation: Gmail (Google Workspace) allows 2,000 messages a day (500 on consumer
 * accounts), Microsoft 365 10,000 recipients a day and 30 messages a minute. Cold outreach
 * that approaches those ceilings gets flagged, so we start far lower.
 */
export function defaultMailboxLimits(provider: MailboxProvider): MailboxLimits {
  switch (provider) {
    case 'GMAIL':
      return { perDay: 500, perMinute: 20, minSpacingSeconds: 20, jitterSeconds: 30, rampUp: { startPerDay: 20, increasePerDay: 10 } };
    case 'OUTLOOK':
      return { perDay: 1000, perMinute: 30, minSpacingSeconds: 15, jitterSeconds: 30, rampUp: { startPerDay: 30, increasePerDay: 15 } };
    case 'SMTP':
      return { perDay: 500, perMinute: 20, minSpacingSeconds: 20, jitterSeconds: 30, rampUp: { startPerDay: 20, increasePerDay: 10 } };
    case 'OUTBOX':
      // The local outbox writes files: no reputation to protect.
      return { perDay: 100_000, perMinute: 10_000, minSpacingSeconds: 0, jitterSeconds: 0, rampUp: null };
  }
}

const within = (name: string, value: number, min: number, max: number) => {
  if (!Number.isInteger(value) || value < min || value > max) throw new InvalidMailbox(`${name} must be a whole number from ${min} to ${max}`);
};

export function checkLimits(given: MailboxLimits): MailboxLimits {
  // A ramp-up can never start above the daily ceiling: lowering perDay lowers its start too.
  const limits = given.rampUp && given.rampUp.startPerDay > given.perDay ? { ...given, rampUp: { ...given.rampUp, startPerDay: given.perDay } } : given;
  within('perDay', limits.perDay, 1, 100_000);
  within('perMinute', limits.perMinute, 1, 10_000);
  within('minSpacingSeconds', limits.minSpacingSeconds, 0, 3600);
  within('jitterSeconds', limits.jitterSeconds, 0, 3600);
  if (limits.rampUp) {
    within('rampUp.startPerDay', limits.rampUp.startPerDay, 1, limits.perDay);
    within('rampUp.increasePerDay', limits.rampUp.increasePerDay, 0, 100_000);
  }
  return limits;
}
