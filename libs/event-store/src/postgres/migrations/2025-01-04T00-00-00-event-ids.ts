import { Kysely, sql } from 'kysely';

/**
 * Which stream owns each event id, for stores that do not enforce unique ids themselves.
 * EventStoreDB deduplicates a retried write in place, but accepts an id already used in another
 * stream; the EventStoreDB adapter claims ids here (in the keys database, which every
 * deployment has) before it appends. es_events has its own unique index and does not use this.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table es_event_ids (
      event_id uuid primary key,
      stream_id text not null,
      claimed_at timestamptz not null default now()
    )`.execute(db);
}
