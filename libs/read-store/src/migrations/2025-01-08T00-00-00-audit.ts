import { Kysely, sql } from 'kysely';

/**
 * Audit anchors and the projections' definitions.
 * - `audit_anchor_streams`: the leaves of each AuditAnchored event's Merkle tree (one per
 *   stream of the workspace: its length and head hash at that moment). The event carries the
 *   root and is itself hash-chained, so these rows cannot be altered unnoticed: verification
 *   recomputes the root from them first.
 * - `projection_definitions`: what each projection version handles, written by the projector
 *   host at start, so processes without the registry (the API) can report how far behind it is.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table audit_anchor_streams (
      anchor_id uuid not null,
      workspace_id uuid not null,
      stream_id text not null,
      length bigint not null,
      head_hash text not null,
      head_event_id uuid not null,
      primary key (anchor_id, stream_id)
    )`.execute(db);
  await sql`
    create table projection_definitions (
      projection text not null,
      version integer not null,
      handles text[] not null,
      tables text[] not null,
      updated_at timestamptz not null default now(),
      primary key (projection, version)
    )`.execute(db);
}
