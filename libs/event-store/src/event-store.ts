import { DomainEvent, Recorded, WriteMetadata } from '@app/events';
import { v7 as uuidv7 } from 'uuid';
import { EventCodec, NewEvent } from './codec/event-codec';
import { AppendResult, Batch, EventStoreAdapter, ExpectedRevision, ReadAllOptions, ReadStreamOptions, StoredEvent, SubscribeOptions } from './event-store.types';

export type RecordedEvent = Recorded<DomainEvent>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The store the rest of the system talks to, on top of any adapter: catalogue events in,
 * validated, encrypted, hash-chained; decrypted, upcast, validated events out.
 */
export class EventStore {
  constructor(
    readonly adapter: EventStoreAdapter,
    readonly codec: EventCodec,
  ) {}

  /**
   * Appends events to one stream atomically. Ids are generated (UUIDv7) unless given; give
   * them when a retry must be recognised as the same append.
   */
  async append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision, metadata: WriteMetadata): Promise<AppendResult> {
    const withIds = events.map((event) => {
      const id = (event.id ?? uuidv7()).toLowerCase();
      if (!UUID.test(id)) throw new Error(`event id "${event.id}" is not a UUID`);
      return { ...event, id } as NewEvent & { id: string };
    });
    const raw = await this.codec.encode(withIds, metadata);
    return this.adapter.append(streamId, raw, expected);
  }

  /** `withholdPersonalData`: the caller needs no personal field (no key lookup, no decryption). */
  async readStream(streamId: string, options?: ReadStreamOptions & { withholdPersonalData?: boolean }): Promise<RecordedEvent[]> {
    return this.codec.decode(await this.adapter.readStream(streamId, options), { withhold: options?.withholdPersonalData });
  }

  /** Several streams in one read; `withholdPersonalData` applies to all of them. */
  async readStreams(streamIds: readonly string[], options: { withholdPersonalData?: boolean } = {}): Promise<Map<string, RecordedEvent[]>> {
    const stored = await this.adapter.readStreams(streamIds);
    const decoded = await this.codec.decode([...stored.values()].flat(), { withhold: options.withholdPersonalData });
    const result = new Map<string, RecordedEvent[]>([...stored.keys()].map((id) => [id, []]));
    for (const event of decoded) result.get(event.streamId)?.push(event);
    return result;
  }

  /**
   * Events by id (the ones that exist), in log order. Stores that cannot look events up by id
   * get `where` (stream and revision of each) and read those ranges of their streams instead.
   */
  async readEvents(
    events: readonly { id: string; streamId: string; revision: number }[],
    options: { withholdPersonalData?: boolean; concurrency?: number } = {},
  ): Promise<RecordedEvent[]> {
    let stored: StoredEvent[];
    if (this.adapter.readEvents) {
      stored = await this.adapter.readEvents(events.map((e) => e.id));
    } else {
      const ranges = new Map<string, { from: number; to: number }>();
      for (const e of events) {
        const range = ranges.get(e.streamId);
        ranges.set(e.streamId, range ? { from: Math.min(range.from, e.revision), to: Math.max(range.to, e.revision) } : { from: e.revision, to: e.revision });
      }
      const wanted = new Set(events.map((e) => e.id.toLowerCase()));
      const queue = [...ranges];
      const found: StoredEvent[] = [];
      await Promise.all(
        Array.from({ length: Math.min(options.concurrency ?? 8, queue.length) }, async () => {
          for (let next = queue.shift(); next; next = queue.shift()) {
            const [streamId, range] = next;
            const page = await this.adapter.readStream(streamId, { fromRevision: range.from, limit: range.to - range.from + 1 });
            found.push(...page.filter((e) => wanted.has(e.id.toLowerCase())));
          }
        }),
      );
      stored = found.sort((a, b) => this.adapter.comparePositions(a.position, b.position));
    }
    return this.codec.decode(stored, { withhold: options.withholdPersonalData });
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.codec.decode(await this.adapter.readAll(options));
  }

  async *subscribeAll(options?: SubscribeOptions): AsyncGenerator<Batch<RecordedEvent>> {
    for await (const batch of this.adapter.subscribeAll(options)) {
      yield { events: await this.codec.decode(batch.events), checkpoint: batch.checkpoint };
    }
  }

  headPosition(): Promise<string | null> {
    return this.adapter.headPosition();
  }

  comparePositions(a: string, b: string): number {
    return this.adapter.comparePositions(a, b);
  }

  orderKey(position: string): bigint {
    return this.adapter.orderKey(position);
  }

  close(): Promise<void> {
    return this.adapter.close();
  }
}
