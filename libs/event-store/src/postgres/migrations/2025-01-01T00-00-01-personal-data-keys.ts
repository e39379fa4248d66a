import { Kysely, sql } from 'kysely';

/**
 * One data key per subject (a lead), wrapped with the master key. Erasure deletes the key and
 * keeps a tombstone, so nothing can later encrypt new personal data for that subject again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table personal_data_keys (
      subject_id text primary key,
      wrapped_key bytea,
      created_at timestamptz not null default now(),
      erased_at timestamptz,
      check ((wrapped_key is null) = (erased_at is not null))
    )`.execute(db);
}
