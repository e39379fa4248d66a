import { DomainEvent, Recorded, WriteMetadata } from '@app/events';
import { v7 as uuidv7 } from 'uuid';
import { EventCodec, NewEvent } from './codec/event-codec';
import { AppendResult, Batch, EventStoreAdapter, ExpectedRevision, ReadAllOptions, ReadStreamOptions, SubscribeOptions } from './event-store.types';

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
