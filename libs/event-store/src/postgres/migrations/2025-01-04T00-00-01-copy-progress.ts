import { Kysely, sql } from 'kysely';

/** How far a copy of a whole event store got, so an interrupted copy resumes where it stopped. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table es_copy_progress (
      job text primary key,
      source_position text,
      copied bigint not null default 0,
      updated_at timestamptz not null default now()
    )`.execute(db);
}
