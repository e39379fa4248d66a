import { Writable } from 'node:stream';
import { createLogger } from '@app/platform';
import { waitFor } from '@app/testing';
import { PollingLoop } from './polling-loop';

function captured() {
  const lines: { level: number; msg: string }[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as { level: number; msg: string });
      done();
    },
  });
  return { logger: createLogger({ service: 'test', level: 'info', destination }), lines };
}

describe('PollingLoop', () => {
  it('is unhealthy until a tick completes, healthy after, and names the failure once ticks fail', async () => {
    const { logger } = captured();
    let stale = 60_000;
    const loop = new PollingLoop({ name: 'timer loop', staleAfterMs: () => stale, logger });
    expect(loop.health()).toBe('timer loop: no tick has completed yet');
    await expect(loop.track(async () => 7)).resolves.toBe(7);
    expect(loop.health()).toBe(true);
    await expect(loop.track(() => Promise.reject(new Error('relation "due_steps" is locked')))).rejects.toThrow('locked');
    // Still within the stale window of the last success: a single failure is not an outage.
    expect(loop.health()).toBe(true);
    stale = -1;
    expect(loop.health()).toBe('timer loop failing: relation "due_steps" is locked');
  });

  it('goes straight on while ticks report a backlog, waits otherwise, and keeps going after a failing tick', async () => {
    const { logger, lines } = captured();
    const loop = new PollingLoop({ name: 'inbox pollers', staleAfterMs: () => 60_000, logger });
    const ticks: number[] = [];
    // Ticks 1-3 report a backlog, tick 4 fails, then nothing is left: waits of an hour.
    loop.start(async () => {
      ticks.push(ticks.length + 1);
      if (ticks.length === 4) throw new Error('provider down');
      return ticks.length < 4;
    }, () => 3_600_000);
    await waitFor(() => ticks.length >= 4);
    await waitFor(() => lines.some((l) => l.msg === 'inbox pollers: tick failed; trying again next tick'));
    await loop.stop();
    // The failing tick was followed by an hour's wait, which stop() cut short: no fifth tick.
    expect(ticks).toEqual([1, 2, 3, 4]);
  });

  it('lets the tick in flight finish before stop() resolves, and starts once however often asked', async () => {
    const { logger } = captured();
    const loop = new PollingLoop({ name: 'occasion job', staleAfterMs: () => 60_000, logger });
    let release: () => void = () => undefined;
    let started = 0;
    let finished = 0;
    const tick = async () => {
      started++;
      await new Promise<void>((resolve) => (release = resolve));
      finished++;
      return false;
    };
    loop.start(tick, () => 3_600_000);
    loop.start(tick, () => 3_600_000);
    await waitFor(() => started === 1);
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect({ started, finished }).toEqual({ started: 1, finished: 1 });
  });
});
