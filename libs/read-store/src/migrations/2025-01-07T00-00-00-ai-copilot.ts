import { Kysely, sql } from 'kysely';

/**
 * The AI copilot's working tables (not read models: nothing here is derived from the log).
 *
 * `ai_rate_limits`: one token bucket per workspace, shared by every API process; a request
 * takes a token in one upsert, and the bucket refills at the workspace's requests per minute.
 *
 * `ai_response_cache`: answers to identical requests for a few minutes. An answer about a lead
 * is sealed with that lead's data key, so erasing the lead (deleting its key) makes its cached
 * answers unreadable at once; expired rows are deleted as new ones arrive.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table ai_rate_limits (
      workspace_id uuid primary key,
      tokens double precision not null,
      refilled_at timestamptz not null
    )`.execute(db);
  await sql`
    create table ai_response_cache (
      workspace_id uuid not null,
      cache_key text not null,
      lead_id uuid,
      model text not null,
      answer text not null,
      sealed boolean not null,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      primary key (workspace_id, cache_key)
    )`.execute(db);
  await sql`create index ai_response_cache_expiry on ai_response_cache (expires_at)`.execute(db);
  await sql`create index ai_response_cache_lead on ai_response_cache (lead_id) where lead_id is not null`.execute(db);
}
