import { IsoDuration } from '@app/events';
import { DateTime, Duration } from 'luxon';
import { DomainError } from './domain-error';

export class InvalidDelay extends DomainError {
  readonly code = 'SEQUENCE.INVALID_DELAY';
  readonly kind = 'BAD_INPUT';
  constructor(readonly delay: string) {
    super(`"${delay}" is not an ISO-8601 duration: write it like P2D (2 days), PT4H (4 hours) or PT30S (30 seconds)`);
  }
}

/** Longest wait between two steps that we accept: a year. */
const MAX_DELAY_MS = 366 * 24 * 3600 * 1000;

/**
 * Parses an ISO-8601 duration, refusing negative, fractional or absurd values. Luxon alone
 * accepts `P`, `PT` and `PT1.5H`, which the StepScheduled/SequenceCreated schemas refuse: the
 * store would then reject the event instead of the user getting InvalidDelay.
 */
export function parseDelay(delay: string): Duration {
  if (!IsoDuration.safeParse(delay).success) throw new InvalidDelay(delay);
  const duration = Duration.fromISO(delay);
  if (!duration.isValid) throw new InvalidDelay(delay);
  const ms = DateTime.fromISO('2000-01-01T00:00:00Z', { zone: 'utc' }).plus(duration).toMillis() - Date.UTC(2000, 0, 1);
  if (ms < 0 || ms > MAX_DELAY_MS) throw new InvalidDelay(delay);
  return duration;
}

/**
 * `instant + delay`, computed in UTC so the answer never depends on the machine's zone.
 * Calendar units (P1M, P1D) follow the UTC calendar; send windows handle local time later.
 */
export function addDelay(instant: string, delay: string): string {
  const at = DateTime.fromISO(instant, { zone: 'utc' });
  return toInstant(at.plus(parseDelay(delay)));
}

export function toInstant(at: DateTime): string {
  return at.toUTC().toISO({ suppressMilliseconds: false }) as string;
}

/** The later of two instants. */
export function latest(a: string, b: string): string {
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

export function isAtOrBefore(a: string, b: string): boolean {
  return Date.parse(a) <= Date.parse(b);
}
