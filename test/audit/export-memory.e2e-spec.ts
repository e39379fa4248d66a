import { randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { streams } from '@app/events';
import { EventStore } from '@app/event-store';
import { EVENT_STORE } from '@app/platform';
import { waitFor } from '@app/testing';
import { ApiTestApp, useApiApp } from '../support/api-app';
import { register } from '../support/api-client';

const app = useApiApp();
let api: ApiTestApp;

const EVENTS = 8_000;
const PER_APPEND = 1000;
const NOTE = 'n'.repeat(8000);
const SAMPLE_EVERY = 4 * 2 ** 20;

// What stays reachable is what matters (garbage waits for the collector): collect on demand.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;
const live = () => {
  collect();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
};

describe('the NDJSON export of a large log', () => {
  it('streams a log several times larger than the memory it may use', async () => {
    api = app.api;
    const owner = await register(api, 'big');
    const store = api.app.get<EventStore>(EVENT_STORE);
    // A long audit stream: 8,000 events of about 8 KB, in appends of a thousand.
    const streamId = streams.audit(owner.workspaceId);
    for (let done = 0; done < EVENTS; done += PER_APPEND) {
      const events = Array.from({ length: PER_APPEND }, (_, i) => ({
        type: 'EventLogRead' as const,
        data: { workspaceId: owner.workspaceId, readerId: owner.userId, channel: 'QUERY' as const, filter: { note: NOTE, n: String(done + i) }, results: 0, readAt: '2025-03-03T09:00:00.000Z' },
      }));
      await store.append(streamId, events, 'any', { tenantId: owner.workspaceId, actorId: owner.userId, correlationId: randomUUID(), causationId: null, occurredAt: '2025-03-03T09:00:00.000Z' });
    }
    await waitFor(
      async () => Number((await app.database.pool.query<{ n: string }>('select count(*) as n from event_log_index where stream_id = $1', [streamId])).rows[0]?.n) >= EVENTS,
      { timeoutMs: 120_000, intervalMs: 500, message: 'the event log index never caught up' },
    );

    // Sampled every few megabytes read, not on a timer: a full collection on a long-lived jest
    // worker's heap can take longer than any short interval and would starve the export.
    const baseline = live();
    let peak = baseline;
    let sampledAt = -SAMPLE_EVERY;
    let bytes = 0;
    let lines = 0;
    let firstLine = '';
    const response = await fetch(`${api.url}/audit/export?types=EventLogRead`, { headers: { authorization: `Bearer ${owner.token}` } });
    expect(response.status).toBe(200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      const text = decoder.decode(value, { stream: true });
      if (!firstLine) firstLine = text.slice(0, text.indexOf('\n'));
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
      if (bytes - sampledAt >= SAMPLE_EVERY) {
        sampledAt = bytes;
        peak = Math.max(peak, live());
      }
    }
    const growthMb = (peak - baseline) / 2 ** 20;
    const exportedMb = bytes / 2 ** 20;
    process.stderr.write(`export: ${lines} lines, ${exportedMb.toFixed(0)} MB, peak growth of live memory ${growthMb.toFixed(0)} MB\n`);
    expect(lines).toBe(EVENTS);
    expect(JSON.parse(firstLine)).toMatchObject({ type: 'EventLogRead', streamId, revision: 0 });
    expect(exportedMb).toBeGreaterThan(65);
    // Served a page (about 9 MB) at a time with backpressure: memory does not grow with the export.
    expect(growthMb).toBeLessThan(32);
  }, 300_000);
});
