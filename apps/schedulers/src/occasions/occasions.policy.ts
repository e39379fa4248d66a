import { DateTime } from 'luxon';

export type OccasionKind = 'BIRTHDAY' | 'WORK_ANNIVERSARY' | 'CUSTOM';

/** A lead's important date, from the lead_dates read model. */
export type ImportantDate = { dateId: string; kind: OccasionKind; year: number | null; month: number; day: number; recurrence: 'YEARLY' | 'ONCE' };

/** When an occasion campaign sends: its local time on the date. */
export type OccasionSetting = { sendAtLocalTime: string };

export type DueOccasion = { dateId: string; year: number; dueAt: string };

const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/**
 * The date's occurrence in `year`, or null when there is none that year.
 * - A date that happens ONCE occurs in its own year only.
 * - A yearly date with a year (a birth date, a start date) first recurs the year after it (the
 *   first birthday, the first anniversary); a CUSTOM yearly date (a renewal) occurs in its own
 *   year too. Without a year it occurs every year.
 * - 29 February in a year without one is celebrated on 28 February: still in February, and
 *   before the day has passed rather than after.
 */
export function occurrenceIn(date: ImportantDate, year: number): { year: number; month: number; day: number } | null {
  if (date.recurrence === 'ONCE') {
    if (date.year !== year) return null;
  } else if (date.year !== null) {
    const first = date.kind === 'CUSTOM' ? date.year : date.year + 1;
    if (year < first) return null;
  }
  if (date.month === 2 && date.day === 29 && !isLeap(year)) return { year, month: 2, day: 28 };
  return { year, month: date.month, day: date.day };
}

/**
 * The instant of a local date and time in `zone`. A time that does not exist that day (clocks
 * spring forward) moves forward by the gap; one that happens twice (clocks fall back) is taken
 * the first time, as send windows do.
 */
export function localInstant(date: { year: number; month: number; day: number }, hhmm: string, zone: string): DateTime {
  const local = DateTime.fromObject({ ...date, hour: Number(hhmm.slice(0, 2)), minute: Number(hhmm.slice(3, 5)) }, { zone });
  const candidates = local.getPossibleOffsets();
  return candidates.length > 1 ? candidates.reduce((a, b) => (a.toMillis() <= b.toMillis() ? a : b)) : local;
}

/**
 * The occurrences of a date that are due now: their send time (in the lead's zone, else the
 * campaign's) has come, and it is still that day there. An occasion missed for a whole day
 * (the schedulers were down) is not sent late: a birthday email the day after is worse than none.
 * Each is enrolled once per date and year (the enrollment id is derived from them).
 */
export function dueOccasions(date: ImportantDate, setting: OccasionSetting, zone: string, now: Date): DueOccasion[] {
  const local = DateTime.fromJSDate(now, { zone });
  const due: DueOccasion[] = [];
  for (const year of [local.year - 1, local.year]) {
    const occurrence = occurrenceIn(date, year);
    if (!occurrence) continue;
    const at = localInstant(occurrence, setting.sendAtLocalTime, zone);
    const sameDay = local.year === occurrence.year && local.month === occurrence.month && local.day === occurrence.day;
    if (at.toMillis() <= now.getTime() && sameDay) due.push({ dateId: date.dateId, year, dueAt: at.toUTC().toISO() as string });
  }
  return due;
}

/**
 * The (month, day) pairs worth reading from the read model around `now`: every calendar day a
 * zone on Earth can be in now (UTC-12 to UTC+14), plus 29 February when the 28th is among them.
 */
export function candidateDays(now: Date): { month: number; day: number }[] {
  const days = new Map<string, { month: number; day: number }>();
  for (const offsetHours of [-12, 0, 14]) {
    const d = DateTime.fromJSDate(now, { zone: 'utc' }).plus({ hours: offsetHours });
    days.set(`${d.month}-${d.day}`, { month: d.month, day: d.day });
    if (d.month === 2 && d.day === 28) days.set('2-29', { month: 2, day: 29 });
  }
  return [...days.values()];
}
