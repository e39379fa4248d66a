import { Kysely, sql } from 'kysely';

/**
 * Credentials are not events (a password hash must never enter the log). The API owns these
 * tables; the log records who registered and which workspaces they belong to.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table credentials (
      user_id uuid primary key,
      email text not null unique,
      password_hash text not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create table refresh_tokens (
      token_hash text primary key,
      family_id uuid not null,
      user_id uuid not null,
      workspace_id uuid not null,
      expires_at timestamptz not null,
      revoked_at timestamptz,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index refresh_tokens_family on refresh_tokens (family_id)`.execute(db);
}
