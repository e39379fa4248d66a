import { Kysely, sql } from 'kysely';
import { Projection } from './projection';

/** What schema management needs of a projection (not its apply). */
export type ProjectionTables = Pick<Projection, 'name' | 'version' | 'tables' | 'migrate' | 'indexes'>;

export type SchemaPurpose = 'live' | 'rebuild' | 'replay';
export type SchemaState = 'building' | 'live' | 'retired' | 'ready';

const ident = /^[a-z][a-z0-9_]*$/;

/** `proj_<name>_v<version>`: the home of one version of one projection. */
export function schemaFor(projection: Pick<Projection, 'name' | 'version'>, suffix = ''): string {
  const name = `proj_${projection.name}_v${projection.version}${suffix}`;
  if (!ident.test(name) || name.length > 63) throw new Error(`"${name}" is not a usable schema name`);
  return name;
}

/** `proj_<name>_v<version>_r<n>`: the n-th rebuild of a version, built beside the serving one. */
export function rebuildSchemaFor(projection: Pick<Projection, 'name' | 'version'>, n: number): string {
  return schemaFor(projection, `_r${n}`);
}

/** `proj_<name>_v<version>_asof_<yyyymmddthhmmss>`: a read model as of a moment (UTC, to the second). */
export function replaySchemaFor(projection: Pick<Projection, 'name' | 'version'>, until: Date): string {
  const stamp = until.toISOString().slice(0, 19).replace(/[-:]/g, '').toLowerCase();
  return schemaFor(projection, `_asof_${stamp}`);
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

/**
 * Where a live runner of this projection version writes: the version's live schema (its base
 * schema, or a rebuild switched in), else the base schema the host is building in the
 * background. Null when neither exists (another version serves: stand by).
 */
export async function servingSchemaOf(db: Kysely<unknown>, projection: Pick<Projection, 'name' | 'version'>): Promise<string | null> {
  const rows = (await checkpointsOf(db, projection.name)).filter((r) => r.version === projection.version);
  const row = rows.find((r) => r.state === 'live') ?? rows.find((r) => r.state === 'building' && r.purpose === 'live');
  return row?.schemaName ?? null;
}

/** Sets a schema's state (`ready` for a finished replay). */
export async function markSchemaState(db: Kysely<unknown>, schema: string, state: SchemaState): Promise<void> {
  await sql`update projection_checkpoints set state = ${state}, updated_at = now() where schema_name = ${schema}`.execute(db);
}

/** The version that serves reads now, if any. */
export async function liveSchemaOf(db: Kysely<unknown>, projection: string): Promise<CheckpointRow | null> {
  return (await checkpointsOf(db, projection)).find((r) => r.state === 'live') ?? null;
}

/** The projection's secondary indexes in `schema` (see `Projection.indexes`); safe to repeat. */
export async function createSecondaryIndexes(db: Kysely<unknown>, projection: ProjectionTables, schema: string): Promise<void> {
  await projection.indexes?.(db.withSchema(schema) as unknown as Kysely<unknown>, schema);
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
    // A schema that serves as it fills needs its indexes now; one built to the side gets them when caught up.
    if (options.state !== 'building') await createSecondaryIndexes(trx, projection, schema);
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
    await createSecondaryIndexes(trx, projection, schema);
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

/** The next free `_r<n>` number among the projection's schemas. */
export function nextRebuildNumber(rows: readonly Pick<CheckpointRow, 'schemaName'>[]): number {
  const numbers = rows.map((r) => Number(/_r(\d+)$/.exec(r.schemaName)?.[1] ?? 0));
  return Math.max(0, ...numbers) + 1;
}

/**
 * Starts a projection again from the first event, in one transaction: every version and
 * build of it (replays excepted) is dropped, a fresh live schema for `projection`'s version is
 * created under a new name and the views point at it. Readers see the old rows until the
 * commit, then an empty read model that fills. Live runners find their schema gone and move.
 */
export async function resetProjectionSchemas(db: Kysely<unknown>, projection: ProjectionTables): Promise<{ schema: string; dropped: string[] }> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`views:${projection.name}`}, 0))`.execute(trx);
    const rows = await checkpointsOf(trx, projection.name);
    const schema = rebuildSchemaFor(projection, nextRebuildNumber(rows));
    const dropped = rows.filter((r) => r.purpose !== 'replay').map((r) => r.schemaName);
    for (const name of dropped) {
      await sql`drop schema if exists ${sql.id(name)} cascade`.execute(trx);
      await sql`delete from projection_checkpoints where schema_name = ${name}`.execute(trx);
      await sql`delete from parked_events where schema_name = ${name}`.execute(trx);
    }
    await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(trx);
    await sql`create schema ${sql.id(schema)}`.execute(trx);
    await projection.migrate(trx.withSchema(schema) as unknown as Kysely<unknown>, schema);
    await createSecondaryIndexes(trx, projection, schema);
    await sql`insert into projection_checkpoints (schema_name, projection, version, purpose, state) values (${schema}, ${projection.name}, ${projection.version}, 'live', 'live')`.execute(trx);
    for (const table of projection.tables) {
      await sql`drop view if exists ${sql.id('public', table)}`.execute(trx);
      await sql`create view ${sql.id('public', table)} as select * from ${sql.id(schema, table)}`.execute(trx);
    }
    return { schema, dropped };
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

/** What status needs of a projection version, kept in `projection_definitions` by the hosts. */
export type ProjectionDefinition = { name: string; version: number; handles: readonly string[]; tables: readonly string[] };

/** Records what each projection version handles (the projector host does, at start). */
export async function recordProjectionDefinitions(db: Kysely<unknown>, projections: readonly ProjectionDefinition[]): Promise<void> {
  for (const p of projections) {
    await sql`
      insert into projection_definitions (projection, version, handles, tables) values (${p.name}, ${p.version}, ${[...p.handles]}::text[], ${[...p.tables]}::text[])
      on conflict (projection, version) do update set handles = excluded.handles, tables = excluded.tables, updated_at = now()`.execute(db);
  }
}

/** The newest recorded definition of every projection. */
export async function projectionDefinitions(db: Kysely<unknown>): Promise<ProjectionDefinition[]> {
  const { rows } = await sql<ProjectionDefinition>`
    select distinct on (projection) projection as name, version, handles, tables from projection_definitions order by projection, version desc`.execute(db);
  return rows;
}

/** True when every table of every projection has its public view (the API waits for this). */
export async function viewsExist(db: Kysely<unknown>, projections: readonly Pick<Projection, 'tables'>[]): Promise<boolean> {
  const wanted = projections.flatMap((p) => p.tables);
  const { rows } = await sql<{ count: string }>`
    select count(*)::text as count from information_schema.views where table_schema = 'public' and table_name = any(${wanted})`.execute(db);
  return Number(rows[0]?.count ?? 0) === wanted.length;
}
