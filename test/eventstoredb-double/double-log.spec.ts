import { DoubleLog, ProposedEvent } from './double-log';

const event = (id: string): ProposedEvent => ({ id, type: 'Thing', contentType: 'application/json', data: new TextEncoder().encode('{}'), customMetadata: new Uint8Array() });
const ids = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `00000000-0000-4000-8000-${prefix}${String(i).padStart(12 - prefix.length, '0')}`);

describe('the test double log, as the server decides appends', () => {
  it('enforces the four expected states and reports the current revision', () => {
    const log = new DoubleLog();
    const [a, b, c, d] = ids(4, 'a');
    expect(log.append('s', { kind: 'stream_exists' }, [event(a!)])).toMatchObject({ ok: false, current: null });
    expect(log.append('s', { kind: 'no_stream' }, [event(a!)])).toMatchObject({ ok: true, currentRevision: 0n, idempotent: false });
    expect(log.append('s', { kind: 'revision', revision: 5n }, [event(b!)])).toMatchObject({ ok: false, current: 0n });
    expect(log.append('s', { kind: 'revision', revision: 0n }, [event(b!)])).toMatchObject({ ok: true, currentRevision: 1n });
    expect(log.append('s', { kind: 'stream_exists' }, [event(c!)])).toMatchObject({ ok: true, currentRevision: 2n });
    expect(log.append('s', { kind: 'any' }, [event(d!)])).toMatchObject({ ok: true, currentRevision: 3n });
  });

  it('answers a retried write with the original result instead of writing twice', () => {
    const log = new DoubleLog();
    const [a, b, c] = ids(3, 'b');
    const first = log.append('s', { kind: 'no_stream' }, [event(a!), event(b!)]);
    log.append('s', { kind: 'revision', revision: 1n }, [event(c!)]);
    for (const expected of [{ kind: 'no_stream' as const }, { kind: 'any' as const }, { kind: 'stream_exists' as const }]) {
      expect(log.append('s', expected, [event(a!), event(b!)])).toMatchObject({ ok: true, currentRevision: 1n, idempotent: true });
    }
    expect(first).toMatchObject({ ok: true, currentRevision: 1n });
    expect(log.stream('s')).toHaveLength(3);
    // Same first id, different rest: not a retry, a conflict.
    expect(log.append('s', { kind: 'any' }, [event(a!), event(c!)])).toMatchObject({ ok: false });
  });

  it('does not check ids across streams, like the server', () => {
    const log = new DoubleLog();
    const [a] = ids(1, 'c');
    log.append('one', { kind: 'no_stream' }, [event(a!)]);
    expect(log.append('two', { kind: 'no_stream' }, [event(a!)])).toMatchObject({ ok: true, idempotent: false });
  });

  it('keeps $all in position order, with system records first and a shared commit per write', () => {
    const log = new DoubleLog();
    const system = log.all.length;
    expect(system).toBeGreaterThan(0);
    expect(log.all.every((e) => e.type.startsWith('$'))).toBe(true);
    log.append('s', { kind: 'any' }, ids(3, 'd').map(event));
    const written = log.all.slice(system);
    expect(new Set(written.map((e) => e.commit)).size).toBe(1);
    expect(written.map((e) => e.prepare)).toEqual([...written.map((e) => e.prepare)].sort((x, y) => (x < y ? -1 : 1)));
    expect(log.indexAfter(written[0]!)).toBe(system + 1);
    expect(log.indexAtOrAfter(written[0]!)).toBe(system);
  });
});
