import { InvalidDelay, addDelay, isAtOrBefore, latest, parseDelay } from '@app/domain';
import { DAY, HOUR, fixedClock } from '@app/testing';

const clock = fixedClock();

describe('a step delay', () => {
  it.each([
    ['PT30S', 30_000],
    ['PT4H', 4 * HOUR],
    ['P2D', 2 * DAY],
    ['P1W', 7 * DAY],
    ['P1DT12H', 36 * HOUR],
    ['PT0S', 0],
  ])('parses %s', (delay, ms) => {
    expect(parseDelay(delay).toMillis()).toBe(ms);
  });

  it.each(['2 days', 'P', 'PT', 'P2', 'PT1.5H', 'p2d', 'P-1D', 'P367D', 'P2Y'])('refuses %j, saying how to write one', (delay) => {
    expect(() => parseDelay(delay)).toThrow(InvalidDelay);
    expect(() => parseDelay(delay)).toThrow(`"${delay}" is not an ISO-8601 duration: write it like P2D (2 days), PT4H (4 hours) or PT30S (30 seconds)`);
  });

  it('accepts up to a year', () => {
    expect(parseDelay('P366D').as('days')).toBe(366);
  });
});

describe('adding a delay to an instant', () => {
  it('adds clock time', () => {
    expect(addDelay(clock.now, 'PT1H30M')).toBe('2025-03-03T10:30:00.000Z');
  });

  it('writes the answer in UTC whatever offset the instant had', () => {
    expect(addDelay('2025-03-03T11:00:00.000+02:00', 'P1D')).toBe('2025-03-04T09:00:00.000Z');
  });

  it('follows the UTC calendar, so a day stays 24 hours across a DST change', () => {
    // Europe switched to summer time on 2025-03-30; the due time does not move by an hour.
    expect(addDelay('2025-03-29T12:00:00.000Z', 'P1D')).toBe('2025-03-30T12:00:00.000Z');
  });

  it('clamps a month to the end of a shorter month', () => {
    expect(addDelay('2025-01-31T09:00:00.000Z', 'P1M')).toBe('2025-02-28T09:00:00.000Z');
  });

  it('refuses an invalid delay', () => {
    expect(() => addDelay(clock.now, 'soon')).toThrow(InvalidDelay);
  });
});

describe('comparing instants', () => {
  const earlier = clock.now;
  const later = clock.plus(HOUR);

  it('picks the later of two, in either order', () => {
    expect(latest(earlier, later)).toBe(later);
    expect(latest(later, earlier)).toBe(later);
  });

  it('compares instants, not strings', () => {
    expect(latest('2025-03-03T10:00:00.000+02:00', '2025-03-03T09:00:00.000Z')).toBe('2025-03-03T09:00:00.000Z');
  });

  it('treats the same instant as at-or-before', () => {
    expect(isAtOrBefore(earlier, earlier)).toBe(true);
    expect(isAtOrBefore(earlier, later)).toBe(true);
    expect(isAtOrBefore(later, earlier)).toBe(false);
  });
});
