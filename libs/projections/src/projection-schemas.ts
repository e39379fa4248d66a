import { Kysely, sql } from 'kysely';
import { Projection } from './projection';

/** What schema management needs of a projection (not its apply). */
export type ProjectionTables = Pick<Projection, 'name' | 'version' | 'tables' | 'migrate'>;

export type SchemaPurpose = 'live' | 'rebuild' | 'replay';
export type SchemaState = 'building' | 'live' | 'retired' | 'ready';

const ident = /^[a-z][a-z0-9_]*$/;

/** `proj_<name>_v<version>`: the home of one version of one projection. */
export function schemaFor(projection: Pick<Projection, 'name' | 'version'>, suffix = ''): string {
  const name = `proj_${projection.name}_v${projection.version}${suffix}`;
  if (!ident.test(name) || name.length > 63) throw new Error(`"${name}" is not a usable schema name`);
  return name;
}

export type CheckpointRow = {
  schemaName: string;
  projection: string;
  version: number;
  purpose: SchemaPurpose;
  position: string | null;
  eventsApplied: string;
  state: SchemaState;
  until: Date | null;
  lastError: string | null;
  startedAt: Date;
  updatedAt: Date;
};

export async function checkpointsOf(db: Kysely<unknown>, projection?: string): Promise<CheckpointRow[]> {
  const { rows } = await sql<CheckpointRow>`
    select schema_name as "schemaName", projection, version, purpose, position, events_applied::text as "eventsApplied",
      state, until, last_error as "lastError", started_at as "startedAt", updated_at as "updatedAt"
    from projection_checkpoints ${projection ? sql`where projection = ${projection}` : sql``}
    order by projection, version`.execute(db);
  return rows;
}

export async function checkpointOf(db: Kysely<unknown>, schema: string): Promise<CheckpointRow | null> {
  return (await checkpointsOf(db)).find((r) => r.schemaName === schema) ?? null;
}

/** The version that serves reads now, if any. */
export async function liveSchemaOf(db: Kysely<unknown>, projection: string): Promise<CheckpointRow | null> {
  return (await checkpointsOf(db, projection)).find((r) => r.state === 'live') ?? null;
}

/** Creates the schema, its tables and its checkpoint row, unless they exist. */
export async function createProjectionSchema(
  db: Kysely<unknown>,
  projection: ProjectionTables,
  schema: string,
  options: { purpose: SchemaPurpose; state: SchemaState; until?: Date | null },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // Two processes starting together must not both create the schema.
    await sql`select pg_advisory_xact_lock(hashtextextended(${`schema:${schema}`}, 0))`.execute(trx);
    const exists = await sql`select 1 from projection_checkpoints where schema_name = ${schema}`.execute(trx);
    if (exists.rows.length) return;
    await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(trx);
    await sql`create schema ${sql.id(schema)}`.execute(trx);
    await projection.migrate(trx.withSchema(schema) as unknown as Kysely<unknown>, schema);
    await sql`
      insert into projection_checkpoints (schema_name, projection, version, purpose, state, until)
      values (${schema}, ${projection.name}, ${projection.version}, ${options.purpose}, ${options.state}, ${options.until ?? null})`.execute(trx);
  });
}

/**
 * Points the public views at `schema`, marks it live and retires the previous live version,
 * all in one transaction: readers see the old rows or the new rows, never a mix.
 */
export async function switchToSchema(db: Kysely<unknown>, projection: ProjectionTables, schema: string): Promise<string | null> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`views:${projection.name}`}, 0))`.execute(trx);
    // Aliased: with a CamelCasePlugin (the platform's Kysely) a bare schema_name comes back as schemaName.
    const previous = await sql<{ schemaName: string }>`
      select schema_name as "schemaName" from projection_checkpoints where projection = ${projection.name} and state = 'live' and schema_name <> ${schema}`.execute(trx);
    for (const table of projection.tables) {
      await sql`drop view if exists ${sql.id('public', table)}`.execute(trx);
      await sql`create view ${sql.id('public', table)} as select * from ${sql.id(schema, table)}`.execute(trx);
    }
    await sql`update projection_checkpoints set state = 'retired', updated_at = now() where projection = ${projection.name} and state = 'live' and schema_name <> ${schema}`.execute(
      trx,
    );
    await sql`update projection_checkpoints set state = 'live', updated_at = now() where schema_name = ${schema}`.execute(trx);
    return previous.rows[0]?.schemaName ?? null;
  });
}

/** Drops a version's tables and forgets its checkpoint. */
export async function dropProjectionSchema(db: Kysely<unknown>, schema: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(trx);
    await sql`delete from projection_checkpoints where schema_name = ${schema}`.execute(trx);
    await sql`delete from parked_events where schema_name = ${schema}`.execute(trx);
  });
}

/** True when every table of every projection has its public view (the API waits for this). */
export async function viewsExist(db: Kysely<unknown>, projections: readonly Pick<Projection, 'tables'>[]): Promise<boolean> {
  const wanted = projections.flatMap((p) => p.tables);
  const { rows } = await sql<{ count: string }>`
    select count(*)::text as count from information_schema.views where table_schema = 'public' and table_name = any(${wanted})`.execute(db);
  return Number(rows[0]?.count ?? 0) === wanted.length;
}
