import { Inject, Injectable } from '@nestjs/common';
import { EventStore, RecordedEvent } from '@app/event-store';
import { EVENT_STORE, KYSELY } from '@app/platform';
import { DB } from '@app/read-store';
import { Kysely, Selectable } from 'kysely';
import { EventLogEntryModel } from './event-log.model';

export type EventLogFilter = {
  streamId?: string | null;
  streamPrefix?: string | null;
  types?: readonly string[] | null;
  actorId?: string | null;
  from?: Date | null;
  to?: Date | null;
};

type IndexRow = Selectable<DB['eventLogIndex']>;

/** `%` and `_` in a prefix are literal characters. */
const likePrefix = (prefix: string) => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The filter as the EventLogRead event records it. */
export function describeFilter(filter: EventLogFilter): Record<string, string | null | undefined> {
  return {
    streamId: filter.streamId,
    streamPrefix: filter.streamPrefix,
    types: filter.types?.length ? filter.types.join(',') : undefined,
    actorId: filter.actorId,
    from: filter.from?.toISOString(),
    to: filter.to?.toISOString(),
  };
}

export function toEntry(event: RecordedEvent): EventLogEntryModel {
  return {
    id: event.id,
    position: event.position,
    type: event.type,
    version: event.version,
    schemaVersion: event.metadata.schemaVersion,
    streamId: event.streamId,
    revision: event.revision,
    occurredAt: new Date(event.metadata.occurredAt),
    actorId: event.metadata.actorId,
    correlationId: event.metadata.correlationId,
    causationId: event.metadata.causationId,
    prevHash: event.metadata.prevHash,
    hash: event.metadata.hash,
    data: JSON.stringify(event.data),
    personalDataErased: event.personalDataErased,
    personalDataWithheld: event.personalDataWithheld === true,
  };
}

/**
 * The workspace's log, from the index (filters and order) and the store (the events
 * themselves, with their metadata and chain): a page of index rows, then those events in one
 * read. Order is the log's.
 */
@Injectable()
export class EventLogQuery {
  constructor(
    @Inject(KYSELY) private readonly db: Kysely<DB>,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  private scope(workspaceId: string, filter: EventLogFilter) {
    let query = this.db.selectFrom('eventLogIndex').where('workspaceId', '=', workspaceId);
    if (filter.streamId) query = query.where('streamId', '=', filter.streamId);
    if (filter.streamPrefix) query = query.where('streamId', 'like', likePrefix(filter.streamPrefix));
    if (filter.types?.length) query = query.where('type', 'in', [...filter.types]);
    if (filter.actorId) query = query.where('actorId', '=', filter.actorId);
    if (filter.from) query = query.where('occurredAt', '>=', filter.from);
    if (filter.to) query = query.where('occurredAt', '<', filter.to);
    return query;
  }

  /** Up to `size` index rows after `afterKey` (an order key), in log order. */
  async rows(workspaceId: string, filter: EventLogFilter, size: number, afterKey: string | null): Promise<IndexRow[]> {
    let query = this.scope(workspaceId, filter).selectAll();
    if (afterKey) query = query.where('orderKey', '>', afterKey);
    return query.orderBy('orderKey').limit(size).execute();
  }

  async count(workspaceId: string, filter: EventLogFilter): Promise<number> {
    const row = await this.scope(workspaceId, filter).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** The events of these index rows, from the store, in the rows' order. */
  async events(rows: readonly IndexRow[], options: { withPersonalData: boolean }): Promise<RecordedEvent[]> {
    const events = await this.store.readEvents(
      rows.map((r) => ({ id: r.eventId, streamId: r.streamId, revision: Number(r.streamRevision) })),
      { withholdPersonalData: !options.withPersonalData },
    );
    const byId = new Map(events.map((e) => [e.id.toLowerCase(), e]));
    return rows.flatMap((r) => byId.get(r.eventId.toLowerCase()) ?? []);
  }
}
