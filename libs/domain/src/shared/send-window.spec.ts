import { InvalidSendWindow, checkSendWindow, insideWindow, nextOpenSlot } from './send-window';

const weekdays9to17 = { days: ['MON', 'TUE', 'WED', 'THU', 'FRI'] as const, start: '09:00', end: '17:00' };
const window = { ...weekdays9to17, days: [...weekdays9to17.days] };

describe('a due time and a send window', () => {
  it('keeps a due time that is inside the window', () => {
    // Wednesday 2025-03-05 10:15 in Paris is 09:15 UTC.
    expect(nextOpenSlot('2025-03-05T09:15:00.000Z', window, 'Europe/Paris')).toBe('2025-03-05T09:15:00.000Z');
    expect(insideWindow('2025-03-05T09:15:00.000Z', window, 'Europe/Paris')).toBe(true);
  });

  it('moves an early due time to the window start the same day', () => {
    // 06:00 in New York (EST, UTC-5) -> 09:00 local = 14:00 UTC.
    expect(nextOpenSlot('2025-03-05T11:00:00.000Z', window, 'America/New_York')).toBe('2025-03-05T14:00:00.000Z');
  });

  it('moves a late due time to the next open day, skipping the weekend', () => {
    // Friday 18:00 in Tokyo -> Monday 09:00 Tokyo (UTC+9) = 00:00 UTC Monday.
    expect(nextOpenSlot('2025-03-07T09:00:00.000Z', window, 'Asia/Tokyo')).toBe('2025-03-10T00:00:00.000Z');
  });

  it('treats the end of the window as closed', () => {
    // 17:00 exactly in UTC is outside [09:00, 17:00).
    expect(nextOpenSlot('2025-03-05T17:00:00.000Z', window, 'UTC')).toBe('2025-03-06T09:00:00.000Z');
  });

  it('uses the zone of the lead: the same instant can be inside for one and outside for another', () => {
    const instant = '2025-03-05T08:30:00.000Z';
    expect(insideWindow(instant, window, 'Europe/Paris')).toBe(true);
    expect(insideWindow(instant, window, 'America/Los_Angeles')).toBe(false);
  });

  describe('across daylight-saving changes', () => {
    const early = { days: ['SUN', 'MON'], start: '02:30', end: '05:00' } as const;
    const w = { ...early, days: [...early.days] };

    it('a window opening inside the spring-forward gap opens when the clocks land after it', () => {
      // New York, Sunday 2025-03-09: 02:00 EST jumps to 03:00 EDT; 02:30 does not exist.
      // From Saturday night the next slot is 03:30 EDT = 07:30 UTC.
      expect(nextOpenSlot('2025-03-09T05:00:00.000Z', w, 'America/New_York')).toBe('2025-03-09T07:30:00.000Z');
    });

    it('a window opening inside the fall-back overlap opens at the first occurrence', () => {
      const overlap = { days: ['SUN'], start: '01:30', end: '05:00' } as ReturnType<typeof checkSendWindow>;
      // New York, Sunday 2025-11-02: 01:30 happens twice (EDT then EST); the first is 05:30 UTC.
      expect(nextOpenSlot('2025-11-02T04:00:00.000Z', overlap, 'America/New_York')).toBe('2025-11-02T05:30:00.000Z');
    });

    it('a day with 23 hours still has its window at local 09:00', () => {
      // Europe/Paris goes to summer time on 2025-03-30; Monday 31st 09:00 CEST = 07:00 UTC.
      expect(nextOpenSlot('2025-03-29T20:00:00.000Z', window, 'Europe/Paris')).toBe('2025-03-31T07:00:00.000Z');
    });
  });

  it('refuses windows that end before they start or have no day', () => {
    expect(() => checkSendWindow({ days: ['MON'], start: '18:00', end: '09:00' })).toThrow(InvalidSendWindow);
    expect(() => checkSendWindow({ days: [], start: '09:00', end: '17:00' })).toThrow(/at least one day/);
    expect(checkSendWindow({ days: ['FRI', 'MON'], start: '09:00', end: '17:00' }).days).toEqual(['MON', 'FRI']);
  });

  it('refuses times that are not HH:MM, which the event schema would refuse', () => {
    // The start-before-end check alone lets "9:00" through: its minutes read as NaN, and NaN compares false.
    expect(() => checkSendWindow({ days: ['MON'], start: '9:00', end: '17:00' })).toThrow(/"9:00" is not a time of day/);
    expect(() => checkSendWindow({ days: ['MON'], start: '09:00', end: '24:00' })).toThrow(InvalidSendWindow);
  });
});
