import { Pool } from 'pg';

export type EventIdClaim = {
  /** Ids already owned by another stream: appending them would reuse an id. */
  takenElsewhere: string[];
  /** Ids this stream claimed in an earlier call: the events may already be stored. */
  claimedBefore: string[];
  /** Ids claimed by this call. */
  claimedNow: string[];
};

/**
 * Keeps event ids unique across the log for a store that does not: EventStoreDB recognises a
 * retried write in place, but accepts an id that another stream already uses.
 */
export type EventIdRegistry = {
  claim(streamId: string, ids: readonly string[]): Promise<EventIdClaim>;
  /** Gives back ids claimed by a call whose append certainly wrote nothing. */
  release(streamId: string, ids: readonly string[]): Promise<void>;
};

/** The registry in PostgreSQL (`es_event_ids`), next to the personal-data keys. */
export class PostgresEventIdRegistry implements EventIdRegistry {
  constructor(private readonly pool: Pool) {}

  async claim(streamId: string, ids: readonly string[]): Promise<EventIdClaim> {
    const inserted = await this.pool.query<{ id: string }>(
      `insert into es_event_ids (event_id, stream_id) select unnest($1::uuid[]), $2
       on conflict (event_id) do nothing returning event_id::text as id`,
      [ids, streamId],
    );
    const claimedNow = inserted.rows.map((r) => r.id);
    if (claimedNow.length === ids.length) return { takenElsewhere: [], claimedBefore: [], claimedNow };
    // A separate statement: it sees claims committed by others while the insert waited on them.
    const mine = new Set(claimedNow);
    const owners = await this.pool.query<{ id: string; stream_id: string }>(
      'select event_id::text as id, stream_id from es_event_ids where event_id = any($1::uuid[])',
      [ids.filter((id) => !mine.has(id))],
    );
    return {
      takenElsewhere: owners.rows.filter((r) => r.stream_id !== streamId).map((r) => r.id),
      claimedBefore: owners.rows.filter((r) => r.stream_id === streamId).map((r) => r.id),
      claimedNow,
    };
  }

  async release(streamId: string, ids: readonly string[]): Promise<void> {
    if (!ids.length) return;
    await this.pool.query('delete from es_event_ids where stream_id = $1 and event_id = any($2::uuid[])', [streamId, ids]);
  }
}
