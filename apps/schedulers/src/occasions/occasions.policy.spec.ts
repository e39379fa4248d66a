import { ImportantDate, candidateDays, dueOccasions, localInstant, occurrenceIn } from './occasions.policy';

const birthday = (over: Partial<ImportantDate> = {}): ImportantDate => ({ dateId: 'd1', kind: 'BIRTHDAY', year: 1990, month: 3, day: 15, recurrence: 'YEARLY', ...over });
const nineAm = { sendAtLocalTime: '09:00' };

describe('the occurrence of a date in a year', () => {
  it('recurs every year after a birth or start year, and every year when the year is unknown', () => {
    expect(occurrenceIn(birthday(), 1990)).toBeNull();
    expect(occurrenceIn(birthday(), 1991)).toEqual({ year: 1991, month: 3, day: 15 });
    expect(occurrenceIn(birthday({ kind: 'WORK_ANNIVERSARY', year: 2024 }), 2024)).toBeNull();
    expect(occurrenceIn(birthday({ kind: 'WORK_ANNIVERSARY', year: 2024 }), 2025)).toEqual({ year: 2025, month: 3, day: 15 });
    expect(occurrenceIn(birthday({ year: null }), 2031)).toEqual({ year: 2031, month: 3, day: 15 });
  });

  it('includes its own year for a custom yearly date (a renewal recurs from the first one)', () => {
    expect(occurrenceIn(birthday({ kind: 'CUSTOM', year: 2025 }), 2025)).toEqual({ year: 2025, month: 3, day: 15 });
  });

  it('happens in its own year only when it happens once', () => {
    const once = birthday({ kind: 'CUSTOM', year: 2025, recurrence: 'ONCE' });
    expect(occurrenceIn(once, 2025)).toEqual({ year: 2025, month: 3, day: 15 });
    expect(occurrenceIn(once, 2026)).toBeNull();
  });

  it('moves 29 February to 28 February in years without one, and keeps it in leap years', () => {
    const leapling = birthday({ year: 2000, month: 2, day: 29 });
    expect(occurrenceIn(leapling, 2025)).toEqual({ year: 2025, month: 2, day: 28 });
    expect(occurrenceIn(leapling, 2028)).toEqual({ year: 2028, month: 2, day: 29 });
    expect(occurrenceIn(leapling, 2100)).toEqual({ year: 2100, month: 2, day: 28 });
  });
});

describe('the local send time', () => {
  it('is the wall-clock time in the zone', () => {
    expect(localInstant({ year: 2025, month: 3, day: 15 }, '09:00', 'Europe/Paris').toUTC().toISO()).toBe('2025-03-15T08:00:00.000Z');
    expect(localInstant({ year: 2025, month: 7, day: 15 }, '09:00', 'Europe/Paris').toUTC().toISO()).toBe('2025-07-15T07:00:00.000Z');
  });

  it('moves forward over a spring-forward gap and takes the first of a fall-back overlap', () => {
    // New York, 9 March 2025: 02:30 does not exist; 2 November 2025: 01:30 happens twice.
    expect(localInstant({ year: 2025, month: 3, day: 9 }, '02:30', 'America/New_York').toUTC().toISO()).toBe('2025-03-09T07:30:00.000Z');
    expect(localInstant({ year: 2025, month: 11, day: 2 }, '01:30', 'America/New_York').toUTC().toISO()).toBe('2025-11-02T05:30:00.000Z');
  });
});

describe('occasions due now', () => {
  it('are due from the send time on the date, in the given zone', () => {
    const date = birthday();
    expect(dueOccasions(date, nineAm, 'Asia/Tokyo', new Date('2025-03-14T23:59:00Z'))).toEqual([]);
    expect(dueOccasions(date, nineAm, 'Asia/Tokyo', new Date('2025-03-15T00:00:00Z'))).toEqual([{ dateId: 'd1', year: 2025, dueAt: '2025-03-15T00:00:00.000Z' }]);
    expect(dueOccasions(date, nineAm, 'America/Los_Angeles', new Date('2025-03-15T15:59:00Z'))).toEqual([]);
    expect(dueOccasions(date, nineAm, 'America/Los_Angeles', new Date('2025-03-15T16:00:00Z'))).toEqual([{ dateId: 'd1', year: 2025, dueAt: '2025-03-15T16:00:00.000Z' }]);
  });

  it('stay due until the day ends there, and are not sent the day after', () => {
    expect(dueOccasions(birthday(), nineAm, 'Europe/Paris', new Date('2025-03-15T22:59:00Z'))).toHaveLength(1);
    expect(dueOccasions(birthday(), nineAm, 'Europe/Paris', new Date('2025-03-15T23:00:00Z'))).toEqual([]);
  });

  it('fall on 28 February for a 29 February date in a common year', () => {
    const leapling = birthday({ year: 1996, month: 2, day: 29 });
    expect(dueOccasions(leapling, nineAm, 'UTC', new Date('2025-02-28T10:00:00Z'))).toEqual([{ dateId: 'd1', year: 2025, dueAt: '2025-02-28T09:00:00.000Z' }]);
    expect(dueOccasions(leapling, nineAm, 'UTC', new Date('2025-03-01T10:00:00Z'))).toEqual([]);
    expect(dueOccasions(leapling, nineAm, 'UTC', new Date('2028-02-28T10:00:00Z'))).toEqual([]);
    expect(dueOccasions(leapling, nineAm, 'UTC', new Date('2028-02-29T10:00:00Z'))).toEqual([{ dateId: 'd1', year: 2028, dueAt: '2028-02-29T09:00:00.000Z' }]);
  });

  it('name the year they belong to around New Year (one enrollment per date and year)', () => {
    const newYear = birthday({ month: 1, day: 1, year: null });
    expect(dueOccasions(newYear, { sendAtLocalTime: '00:30' }, 'Pacific/Kiritimati', new Date('2025-12-31T10:45:00Z'))).toEqual([{ dateId: 'd1', year: 2026, dueAt: '2025-12-31T10:30:00.000Z' }]);
  });
});

describe('the days worth reading', () => {
  it('cover every zone’s date now, and 29 February when the 28th is among them', () => {
    expect(candidateDays(new Date('2025-03-15T12:00:00Z'))).toEqual([
      { month: 3, day: 15 },
      { month: 3, day: 16 },
    ]);
    expect(candidateDays(new Date('2025-03-01T06:00:00Z'))).toEqual(expect.arrayContaining([{ month: 2, day: 28 }, { month: 2, day: 29 }, { month: 3, day: 1 }]));
  });
});
