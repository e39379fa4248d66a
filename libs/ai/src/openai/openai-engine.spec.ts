import { estimateCostUsd } from '../pricing';
import { backoffMs, retryAfterMs } from './openai-engine';

describe('how long the provider asks us to wait', () => {
  const now = Date.parse('2026-11-22T10:00:00Z');

  it.each([
    [{ 'retry-after': '2' }, 2000],
    [{ 'retry-after': '0.5' }, 500],
    [{ 'retry-after-ms': '250', 'retry-after': '9' }, 250],
    [{ 'retry-after': 'Sun, 22 Nov 2026 10:00:03 GMT' }, 3000],
    [{ 'retry-after': 'Sun, 22 Nov 2026 09:59:00 GMT' }, 0],
    [{ 'retry-after': 'soon' }, null],
    [{}, null],
  ])('%j means %p ms', (headers, expected) => {
    expect(retryAfterMs(new Headers(headers), now)).toBe(expected);
  });
});

describe('backoff without a Retry-After', () => {
  it('doubles from half a second, with up to 25% jitter, and stays under 8 seconds', () => {
    expect(backoffMs(0, () => 0)).toBe(500);
    expect(backoffMs(0, () => 1)).toBe(375);
    expect(backoffMs(2, () => 0)).toBe(2000);
    expect(backoffMs(10, () => 0)).toBe(8000);
  });
});

describe('cost estimates', () => {
  it('prices dated snapshots as their family, and says nothing for unknown models', () => {
    expect(estimateCostUsd('gpt-4o-mini-2024-07-18', 1_000_000, 1_000_000)).toBeCloseTo(0.75);
    expect(estimateCostUsd('gpt-4o-2024-08-06', 1000, 0)).toBeCloseTo(0.0025);
    expect(estimateCostUsd('offline', 0, 0)).toBe(0);
    expect(estimateCostUsd('my-local-llama', 10, 10)).toBeNull();
  });
});
