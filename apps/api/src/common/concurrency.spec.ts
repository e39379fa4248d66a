import { forEachConcurrently } from './concurrency';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('forEachConcurrently', () => {
  it('keeps at most `limit` items in flight and reads the source only as workers free up', async () => {
    let pulled = 0;
    let inFlight = 0;
    let peak = 0;
    let peakAhead = 0;
    let done = 0;
    async function* source() {
      for (let i = 0; i < 50; i++) {
        pulled++;
        yield i;
      }
    }
    await forEachConcurrently(source(), 4, async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      peakAhead = Math.max(peakAhead, pulled - done);
      await tick();
      inFlight--;
      done++;
    });
    expect(done).toBe(50);
    expect(peak).toBe(4);
    // Read-ahead is bounded by the workers: never more than `limit` items taken and unfinished.
    expect(peakAhead).toBeLessThanOrEqual(4);
  });

  it('stops pulling after a failure, closes the source and rethrows', async () => {
    let pulled = 0;
    let closed = false;
    async function* source() {
      try {
        for (let i = 0; i < 1000; i++) {
          pulled++;
          yield i;
        }
      } finally {
        closed = true;
      }
    }
    await expect(
      forEachConcurrently(source(), 3, async (i) => {
        await tick();
        if (i === 5) throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(closed).toBe(true);
    expect(pulled).toBeLessThan(20);
  });

  it('takes plain arrays', async () => {
    const seen: number[] = [];
    await forEachConcurrently([1, 2, 3], 2, async (n) => void seen.push(n));
    expect(seen.sort()).toEqual([1, 2, 3]);
  });
});
