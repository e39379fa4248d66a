import { Kysely, sql } from 'kysely';

/**
 * Where each projection has got to. A projection version lives in its own PostgreSQL schema
 * (`proj_<name>_v<version>`); public views with the read model's table names point at the
 * version that serves. The checkpoint moves in the same transaction as the rows.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table projection_checkpoints (
      schema_name text primary key,
      projection text not null,
      version integer not null,
      purpose text not null,
      position text,
      events_applied bigint not null default 0,
      state text not null,
      until timestamptz,
      last_error text,
      started_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index projection_checkpoints_projection on projection_checkpoints (projection)`.execute(db);
  await sql`
    create table parked_events (
      schema_name text not null,
      event_id uuid not null,
      position text not null,
      event_type text not null,
      error text not null,
      parked_at timestamptz not null default now(),
      primary key (schema_name, event_id)
    )`.execute(db);
}
