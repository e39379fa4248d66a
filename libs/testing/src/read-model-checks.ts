import { EventStore } from '@app/event-store';
import { Projection, ProjectionHost, checkpointsOf, dropProjectionSchema } from '@app/projections';
import { Kysely, sql } from 'kysely';
import { waitFor } from './wait-for';

export type Checksums = Record<string, { rows: number; md5: string }>;

/** Every table of the projections, through its public view: row count and a digest of its rows in order. */
export async function readModelChecksums(db: Kysely<unknown>, of: readonly Pick<Projection, 'tables'>[]): Promise<Checksums> {
  const out: Checksums = {};
  for (const table of of.flatMap((p) => p.tables)) {
    const { rows } = await sql<{ rows: number; md5: string }>`
      select count(*)::int as rows, md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) as md5 from ${sql.id('public', table)} t`.execute(db);
    out[table] = rows[0] as { rows: number; md5: string };
  }
  return out;
}

/** Waits until every runner of the host has applied the log up to its head as it is now. */
export async function waitForProjectionsAtHead(store: EventStore, host: ProjectionHost<unknown>, timeoutMs = 30_000): Promise<void> {
  const head = await store.headPosition();
  if (!head) return;
  await waitFor(() => host.status().every((s) => s.checkpoint !== null && store.comparePositions(s.checkpoint, head) >= 0), {
    timeoutMs,
    message: 'the projections never reached the head of the log',
  });
}

/** Forgets every version of the projections: schemas, views, checkpoints. */
export async function dropProjections(db: Kysely<unknown>, of: readonly Pick<Projection, 'name' | 'tables'>[]): Promise<void> {
  for (const projection of of) {
    for (const row of await checkpointsOf(db, projection.name)) await dropProjectionSchema(db, row.schemaName);
  }
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from information_schema.views where table_schema = 'public' and table_name = any(${of.flatMap((p) => p.tables)})`.execute(db);
  if (rows[0]?.n !== 0) throw new Error('read-model views are left after dropping the projections');
}
