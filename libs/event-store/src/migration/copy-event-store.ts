import { DuplicateEventId, WrongExpectedVersion } from '../errors';
import { EventStoreAdapter, RawEvent, StoredEvent } from '../event-store.types';
import { verifyChain } from '../hash-chain';
import { CopyCheckpoint } from './copy-checkpoint';

export type CopyPhase = 'counting' | 'copying' | 'verifying';

export type CopyProgress = { phase: CopyPhase; done: number; total: number | null };

export type CopyEventStoreOptions = {
  source: EventStoreAdapter;
  target: EventStoreAdapter;
  checkpoint: CopyCheckpoint;
  /** Events read from the source per page (and at most appended per call). */
  batchSize?: number;
  /** Stops cleanly after the page in hand; run again to resume. */
  signal?: AbortSignal;
  onProgress?: (progress: CopyProgress) => void;
  /** Compare both logs event by event and verify every chain in the target afterwards. Default true. */
  verify?: boolean;
};

export type CopyReport = {
  /** Events in the source. */
  events: number;
  streams: number;
  /** Appended by this run. */
  copied: number;
  /** Found already in the target (an interrupted run wrote them): skipped, not written twice. */
  alreadyThere: number;
  /** Where this run started, null for a fresh copy. */
  resumedFrom: string | null;
  interrupted: boolean;
  verified: boolean;
};

/** The target does not hold what the source holds, after a copy that said it was done. */
export class CopyVerificationFailed extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`The copy does not match its source: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''}`);
    this.name = 'CopyVerificationFailed';
  }
}

const toRaw = (event: StoredEvent): RawEvent => ({ id: event.id, type: event.type, version: event.version, data: event.data, metadata: event.metadata });

/** The fields that must survive a copy; positions are the target's own. */
const FIELDS = ['id', 'streamId', 'revision', 'type', 'version', 'data', 'metadata', 'prevHash', 'hash'] as const;

async function* pages(store: EventStoreAdapter, from: string | null, size: number): AsyncGenerator<StoredEvent[]> {
  let position = from;
  for (;;) {
    const page = await store.readAll({ from: position, limit: size });
    if (!page.length) return;
    yield page;
    position = (page[page.length - 1] as StoredEvent).position;
  }
}

/**
 * Copies a whole event store into another, in the source's global order, stream by stream:
 * the same ids, types, versions, data and metadata bytes at the same revisions, so the target
 * rebuilds exactly the same hash chains (each adapter computes its own; they must agree).
 *
 * Resumable: progress (the last source position copied) is saved after each page. Appends are
 * idempotent by event id, so pages written just before an interruption are recognised and
 * skipped on the next run, even with another batch size.
 */
export async function copyEventStore(options: CopyEventStoreOptions): Promise<CopyReport> {
  const { source, target, checkpoint } = options;
  const batchSize = options.batchSize ?? 500;
  const progress = options.onProgress ?? (() => undefined);
  const state = await checkpoint.load();
  const report: CopyReport = { events: 0, streams: 0, copied: 0, alreadyThere: 0, resumedFrom: state.position, interrupted: false, verified: false };

  const streams = new Set<string>();
  let first: StoredEvent | undefined;
  progress({ phase: 'counting', done: 0, total: null });
  for await (const page of pages(source, null, Math.max(batchSize, 1000))) {
    first ??= page[0];
    for (const event of page) streams.add(event.streamId);
    report.events += page.length;
    progress({ phase: 'counting', done: report.events, total: null });
  }
  report.streams = streams.size;
  if (!state.position) await assertFreshTarget(target, first);

  let done = state.copied;
  progress({ phase: 'copying', done, total: report.events });
  for await (const page of pages(source, state.position, batchSize)) {
    for (let start = 0; start < page.length; ) {
      let end = start + 1;
      while (end < page.length && (page[end] as StoredEvent).streamId === (page[start] as StoredEvent).streamId) end++;
      const outcome = await copyRun(target, page.slice(start, end));
      report.copied += outcome.copied;
      report.alreadyThere += outcome.alreadyThere;
      start = end;
    }
    done += page.length;
    await checkpoint.save({ position: (page[page.length - 1] as StoredEvent).position, copied: done });
    progress({ phase: 'copying', done, total: report.events });
    if (options.signal?.aborted) {
      report.interrupted = true;
      return report;
    }
  }

  if (options.verify !== false) {
    const problems = await verifyCopy(source, target, streams, batchSize, (checked) => progress({ phase: 'verifying', done: checked, total: report.events + streams.size }));
    if (problems.length) throw new CopyVerificationFailed(problems);
    report.verified = true;
  }
  return report;
}

/** A fresh copy goes into an empty target, or one that already starts with the source's first event (a run that died before saving progress). */
async function assertFreshTarget(target: EventStoreAdapter, sourceFirst: StoredEvent | undefined): Promise<void> {
  const [targetFirst] = await target.readAll({ limit: 1 });
  if (!targetFirst || targetFirst.id === sourceFirst?.id) return;
  throw new Error(`The target ${target.name} event store is not empty and holds other events (${targetFirst.streamId}@${targetFirst.revision}): copy into an empty store`);
}

/** Consecutive events of one stream, appended at their own revisions. */
async function copyRun(target: EventStoreAdapter, run: StoredEvent[]): Promise<{ copied: number; alreadyThere: number }> {
  const first = run[0] as StoredEvent;
  const expectedBefore = (event: StoredEvent) => (event.revision === 0 ? 'no_stream' : event.revision - 1);
  try {
    const result = await target.append(first.streamId, run.map(toRaw), expectedBefore(first));
    return result.duplicate ? { copied: 0, alreadyThere: run.length } : { copied: run.length, alreadyThere: 0 };
  } catch (error) {
    if (!(error instanceof WrongExpectedVersion || error instanceof DuplicateEventId)) throw error;
    // Part of the run is there already (an interrupted run cut it elsewhere): check that part
    // is exactly ours, then append the rest.
    const present = await target.readStream(first.streamId, { fromRevision: first.revision, limit: run.length });
    if (present.length === 0) {
      const [head] = await target.readStream(first.streamId, { direction: 'backwards', limit: 1 });
      throw new Error(
        `The target stream "${first.streamId}" ends at revision ${head?.revision ?? -1}, before ${first.revision - 1}: it is missing events the copy should have written`,
      );
    }
    present.forEach((event, i) => {
      if (event.id !== run[i]?.id) throw new Error(`The target stream "${first.streamId}" holds another event at revision ${event.revision}: it diverges from the source`);
    });
    const rest = run.slice(present.length);
    if (rest.length) await target.append(first.streamId, rest.map(toRaw), expectedBefore(rest[0] as StoredEvent));
    return { copied: rest.length, alreadyThere: present.length };
  }
}

/** Both logs in global order, field by field; then every chain in the target. */
async function verifyCopy(source: EventStoreAdapter, target: EventStoreAdapter, streams: ReadonlySet<string>, batchSize: number, onChecked: (checked: number) => void): Promise<string[]> {
  const problems: string[] = [];
  const targetPages = pages(target, null, batchSize);
  let pending: StoredEvent[] = [];
  let checked = 0;
  for await (const page of pages(source, null, batchSize)) {
    for (const expected of page) {
      if (!pending.length) pending = [...((await targetPages.next()).value ?? [])];
      const actual = pending.shift();
      if (!actual) {
        problems.push(`the target ends before ${expected.streamId}@${expected.revision}`);
        return problems;
      }
      const differs = FIELDS.filter((field) => expected[field] !== actual[field]);
      if (differs.length) problems.push(`at ${expected.streamId}@${expected.revision} the target has another ${differs.join(', ')}`);
      checked++;
    }
    onChecked(checked);
  }
  const extra = pending.length ? pending[0] : (await targetPages.next()).value?.[0];
  if (extra) problems.push(`the target holds more events than the source, from ${extra.streamId}@${extra.revision}`);
  for (const stream of streams) {
    const verdict = verifyChain(await target.readStream(stream));
    if (!verdict.ok) problems.push(`the chain of ${stream} breaks at revision ${verdict.firstBreak.revision}: ${verdict.firstBreak.detail}`);
    onChecked(++checked);
  }
  return problems;
}
