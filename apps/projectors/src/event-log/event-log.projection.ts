import { DB } from '@app/read-store';
import { eventTypes } from '@app/events';
import { defineProjection } from '@app/projections';
import { sql } from 'kysely';
import { utcInstant } from '../shared/projection-helpers';

/**
 * The auditors' index of the log: one row per event of every type, with who did it, when, on
 * whose behalf and where it sits (stream, revision, global order), and its chain hash. The
 * event log query and the NDJSON export page through it by order key and fetch the full events
 * from the store; anchors take each stream's length and head hash from it. Nothing personal
 * is stored here: ids, types, actors, times and hashes.
 */
export const eventLogProjection = defineProjection<DB>()({
  name: 'event_log',
  version: 1,
  handles: eventTypes,
  tables: ['event_log_index'],
  readsPersonalData: false,

  async migrate(db, schema) {
    const index = sql.id(schema, 'event_log_index');
    // stream_id in the "C" collation: prefix filters (LIKE 'lead-%') use the index.
    await sql`
      create table ${index} (
        workspace_id text not null,
        order_key numeric(40, 0) not null,
        position text not null,
        event_id uuid not null,
        stream_id text collate "C" not null,
        stream_revision bigint not null,
        type text not null,
        actor_id text not null,
        correlation_id text not null,
        causation_id text,
        occurred_at timestamptz not null,
        hash text not null,
        primary key (workspace_id, order_key)
      )`.execute(db);
  },

  // The auditor's filters (stream, type, actor). A rebuild writes a million index rows in log
  // order; these three, maintained row by row, were most of its PostgreSQL time. The names are
  // the ones PostgreSQL gave them when migrate created them, so existing schemas match.
  async indexes(db, schema) {
    const index = sql.id(schema, 'event_log_index');
    await sql`create index if not exists event_log_index_workspace_id_stream_id_stream_revision_idx on ${index} (workspace_id, stream_id, stream_revision)`.execute(db);
    await sql`create index if not exists event_log_index_workspace_id_type_order_key_idx on ${index} (workspace_id, type, order_key)`.execute(db);
    await sql`create index if not exists event_log_index_workspace_id_actor_id_order_key_idx on ${index} (workspace_id, actor_id, order_key)`.execute(db);
  },

  async apply({ db, schema, orderKey }, events) {
    // One statement per batch, arrays unnested: an index row per event, kept if seen before.
    const column = <T>(pick: (event: (typeof events)[number]) => T): T[] => events.map(pick);
    await sql`
      insert into ${sql.id(schema, 'event_log_index')}
        (workspace_id, order_key, position, event_id, stream_id, stream_revision, type, actor_id, correlation_id, causation_id, occurred_at, hash)
      select * from unnest(
        ${column((e) => e.metadata.tenantId)}::text[], ${column((e) => orderKey(e))}::numeric[], ${column((e) => e.position)}::text[],
        ${column((e) => e.id)}::uuid[], ${column((e) => e.streamId)}::text[], ${column((e) => e.revision)}::bigint[], ${column((e) => e.type)}::text[],
        ${column((e) => e.metadata.actorId)}::text[], ${column((e) => e.metadata.correlationId)}::text[], ${column((e) => e.metadata.causationId)}::text[],
        ${column((e) => utcInstant(e.metadata.occurredAt))}::timestamptz[], ${column((e) => e.metadata.hash)}::text[])
      on conflict do nothing`.execute(db);
  },
});
