import { Kysely, sql } from 'kysely';

/** Where each projection has got to; moved in the same transaction as its read-model rows. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table projection_checkpoints (
      projection text primary key,
      version integer not null,
      position text,
      events_applied bigint not null default 0,
      state text not null default 'running',
      last_error text,
      updated_at timestamptz not null default now()
    )`.execute(db);
}
