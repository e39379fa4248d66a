import { LocalTime, SendWindowSetting, Weekday, Weekdays } from '@app/events';
import { DateTime, IANAZone } from 'luxon';
import { DomainError } from './domain-error';
import { toInstant } from './time';

export class InvalidSendWindow extends DomainError {
  readonly code = 'CAMPAIGN.INVALID_SEND_WINDOW';
  readonly kind = 'BAD_INPUT';
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export function checkSendWindow(window: SendWindowSetting): SendWindowSetting {
  if (window.days.length === 0) throw new InvalidSendWindow('A send window needs at least one day');
  // minutes() reads "9:00" as NaN and would let it through to an event the store refuses.
  for (const time of [window.start, window.end]) {
    if (!LocalTime.safeParse(time).success) throw new InvalidSendWindow(`"${time}" is not a time of day: write HH:MM (24 h), e.g. 09:00 or 17:30`);
  }
  if (minutes(window.start) >= minutes(window.end)) throw new InvalidSendWindow(`The window must start before it ends (got ${window.start} to ${window.end}); windows across midnight are not supported`);
  return { days: Weekdays.filter((d) => window.days.includes(d)), start: window.start, end: window.end };
}

export function checkTimeZone(zone: string): string {
  if (!IANAZone.isValidZone(zone)) throw new InvalidSendWindow(`"${zone}" is not an IANA time zone such as Europe/Paris or America/New_York`);
  return zone;
}

const weekdayOf = (local: DateTime): Weekday => Weekdays[local.weekday - 1] as Weekday;

function at(day: DateTime, hhmm: string, zone: string): DateTime {
  // A wall time that does not exist (spring forward) moves forward by the gap (luxon does
  // that); one that exists twice (fall back) is taken at its first occurrence.
  const local = DateTime.fromObject({ year: day.year, month: day.month, day: day.day, hour: Number(hhmm.slice(0, 2)), minute: Number(hhmm.slice(3, 5)) }, { zone });
  const candidates = local.getPossibleOffsets();
  return candidates.length > 1 ? candidates.reduce((a, b) => (a.toMillis() <= b.toMillis() ? a : b)) : local;
}

/**
 * The first moment at or after `instant` inside the window, in `zone`'s local time: `instant`
 * itself when it is inside; otherwise the start of the next open day.
 */
export function nextOpenSlot(instant: string, window: SendWindowSetting, zone: string): string {
  const now = DateTime.fromISO(instant, { zone: 'utc' }).setZone(zone);
  for (let offset = 0; offset <= 7; offset++) {
    const day = now.startOf('day').plus({ days: offset });
    if (!window.days.includes(weekdayOf(day))) continue;
    const start = at(day, window.start, zone);
    const end = at(day, window.end, zone);
    if (offset === 0 && now >= start && now < end) return toInstant(now);
    if (now < start) return toInstant(start);
  }
  // Unreachable for a checked window (at least one day a week), but never loop forever.
  return toInstant(now);
}

/** True when `instant` is inside the window. */
export function insideWindow(instant: string, window: SendWindowSetting, zone: string): boolean {
  return nextOpenSlot(instant, window, zone) === toInstant(DateTime.fromISO(instant, { zone: 'utc' }));
}
