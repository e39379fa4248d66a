import { utcInstant } from './projection-helpers';

describe('utcInstant on the instants events carry', () => {
  it('gives what parsing and printing the instant gives, whether or not it is already canonical', () => {
    const slow = (value: string) => new Date(value).toISOString();
    for (const value of [
      '2025-01-06T08:00:00.000Z',
      '2025-02-28T23:59:59.999Z',
      '2025-02-29T10:00:00.000Z',
      '2025-02-30T10:00:00.000Z',
      '2025-04-31T00:00:00.000Z',
      '2024-12-31T23:00:00.000Z',
      '2025-03-30T01:30:00Z',
      '2025-03-30T03:30:00.000+02:00',
      '2025-03-30T01:30:00.123456Z',
    ]) {
      expect(utcInstant(value)).toBe(slow(value));
    }
  });

  it('prints a Date as UTC with milliseconds', () => {
    expect(utcInstant(new Date(Date.UTC(2025, 0, 6, 8)))).toBe('2025-01-06T08:00:00.000Z');
  });
});
