/**
 * The in-memory state of the EventStoreDB test double: one transaction log (`$all`) and the
 * streams in it, with the server's append rules. No gRPC here; the service in
 * `eventstoredb-double.ts` translates messages to and from these calls.
 */

export type ExpectedState = { kind: 'any' } | { kind: 'no_stream' } | { kind: 'stream_exists' } | { kind: 'revision'; revision: bigint };

export type ProposedEvent = {
  id: string;
  type: string;
  contentType: string;
  data: Uint8Array;
  customMetadata: Uint8Array;
};

export type LogPosition = { commit: bigint; prepare: bigint };

export type LoggedEvent = ProposedEvent & LogPosition & {
  streamId: string;
  revision: bigint;
  /** Ticks (100 ns) since the Unix epoch, as the server sends them. */
  created: bigint;
};

export type AppendOutcome =
  | { ok: true; currentRevision: bigint; position: LogPosition; idempotent: boolean }
  /** `current` is null when the stream does not exist. */
  | { ok: false; current: bigint | null; expected: ExpectedState };

export type LogFilter = {
  on: 'stream' | 'type';
  prefixes: readonly string[];
  regex: RegExp | null;
};

export function comparePositions(a: LogPosition, b: LogPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

export function matchesFilter(filter: LogFilter, event: LoggedEvent): boolean {
  const value = filter.on === 'stream' ? event.streamId : event.type;
  if (filter.prefixes.length) return filter.prefixes.some((prefix) => value.startsWith(prefix));
  return filter.regex ? filter.regex.test(value) : true;
}

/** Records the server writes itself; a real `$all` starts with some, and filters must hide them. */
const SYSTEM_EVENTS: readonly [string, string][] = [
  ['$epoch-information', '$epoch-information'],
  ['$projections-$all', '$ProjectionsInitialized'],
  ['$$$scavenges', '$metadata'],
];

export class DoubleLog {
  readonly all: LoggedEvent[] = [];
  private readonly streams = new Map<string, LoggedEvent[]>();
  /** Positions are byte offsets in the real transaction file: increasing, with gaps. */
  private nextPosition = 0n;
  private readonly listeners = new Set<() => void>();

  constructor() {
    for (const [stream, type] of SYSTEM_EVENTS) this.appendSystemEvent(stream, type);
  }

  /** Appends a `$`-typed record, as the server does for its own bookkeeping. */
  appendSystemEvent(streamId: string, type: string): void {
    const data = new TextEncoder().encode('{}');
    this.write(streamId, [{ id: randomishUuid(this.nextPosition), type, contentType: 'application/json', data, customMetadata: new Uint8Array() }]);
  }

  stream(streamId: string): readonly LoggedEvent[] | undefined {
    return this.streams.get(streamId);
  }

  /** Calls `listener` after every write; returns the function that stops it. */
  onWrite(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Index in `all` of the first event after `position` (exclusive). */
  indexAfter(position: LogPosition): number {
    return this.search(position, (c) => c <= 0);
  }

  /** Index in `all` of the first event at or after `position`. */
  indexAtOrAfter(position: LogPosition): number {
    return this.search(position, (c) => c < 0);
  }

  private search(position: LogPosition, before: (comparison: number) => boolean): number {
    let low = 0;
    let high = this.all.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (before(comparePositions(this.all[mid] as LogPosition, position))) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /**
   * The server's rules: the expected state must hold, unless the events are a retry of a write
   * that already happened (same ids at the same place), which succeeds without writing again.
   * Ids are not unique across streams: the server does not check that.
   */
  append(streamId: string, expected: ExpectedState, events: readonly ProposedEvent[]): AppendOutcome {
    const stream = this.streams.get(streamId) ?? [];
    const current = stream.length ? BigInt(stream.length - 1) : null;
    const fail = (): AppendOutcome => ({ ok: false, current, expected });
    const retryAt = (start: number): AppendOutcome | 'no' | 'corrupted' => {
      const firstFound = stream[start]?.id === events[0]?.id;
      if (!firstFound) return 'no';
      for (let i = 0; i < events.length; i++) if (stream[start + i]?.id !== events[i]?.id) return 'corrupted';
      const last = stream[start + events.length - 1] as LoggedEvent;
      return { ok: true, currentRevision: last.revision, position: { commit: last.commit, prepare: last.prepare }, idempotent: true };
    };
    const findRetry = (): AppendOutcome | 'no' | 'corrupted' => {
      const start = stream.findIndex((e) => e.id === events[0]?.id);
      return start < 0 ? 'no' : retryAt(start);
    };

    switch (expected.kind) {
      case 'revision': {
        const r = expected.revision;
        if (current !== null && r === current) break;
        if (current !== null && r < current) {
          const retry = retryAt(Number(r) + 1);
          return typeof retry === 'string' ? fail() : retry;
        }
        return fail();
      }
      case 'no_stream': {
        if (current === null) break;
        const retry = retryAt(0);
        return typeof retry === 'string' ? fail() : retry;
      }
      case 'stream_exists':
      case 'any': {
        if (expected.kind === 'stream_exists' && current === null) return fail();
        const retry = findRetry();
        if (retry === 'corrupted') return fail();
        if (retry !== 'no') return retry;
        break;
      }
      default: {
        const never: never = expected;
        throw new Error(`unknown expected state ${JSON.stringify(never)}`);
      }
    }
    const written = this.write(streamId, events);
    return { ok: true, currentRevision: written.revision, position: { commit: written.commit, prepare: written.commit }, idempotent: false };
  }

  /**
   * One implicit transaction: every event shares the commit position of the first, and has its
   * own prepare position, as the server reports them.
   */
  private write(streamId: string, events: readonly ProposedEvent[]): LoggedEvent {
    const stream = this.streams.get(streamId) ?? [];
    this.streams.set(streamId, stream);
    const commit = this.nextPosition;
    const created = BigInt(Date.now()) * 10_000n;
    let last: LoggedEvent | undefined;
    for (const event of events) {
      const prepare = this.nextPosition;
      this.nextPosition += 128n + BigInt(event.data.length + event.customMetadata.length + event.type.length + streamId.length);
      last = { ...event, streamId, revision: BigInt(stream.length), commit, prepare, created };
      stream.push(last);
      this.all.push(last);
    }
    for (const listener of [...this.listeners]) listener();
    if (!last) throw new Error('nothing to write');
    return last;
  }
}

/** Ids for system records: unique and stable per position, like any UUID to a reader. */
function randomishUuid(seed: bigint): string {
  const hex = seed.toString(16).padStart(12, '0').slice(-12);
  return `00000000-0000-4000-8000-${hex}`;
}
