import { EventStore } from '@app/event-store';
import { Kysely, sql } from 'kysely';
import { sleep } from '../checkpointed-runner';
import { LockConnection } from '../lock-connection';
import { Projection, ProjectionLogger } from '../projection';
import {
  CheckpointRow,
  ProjectionDefinition,
  SchemaPurpose,
  checkpointOf,
  checkpointsOf,
  createProjectionSchema,
  createSecondaryIndexes,
  dropProjectionSchema,
  markSchemaState,
  nextRebuildNumber,
  rebuildSchemaFor,
  replaySchemaFor,
  resetProjectionSchemas,
  switchToSchema,
} from '../projection-schemas';
import { BuildOutcome, BuildProgress, SchemaBusy, buildProjections } from './projection-builder';

/** One row of `status`: a schema of a projection (or a projection with none yet). */
export type ProjectionStatus = {
  projection: string;
  version: number;
  schema: string | null;
  purpose: SchemaPurpose | null;
  /** live, building, ready (a finished replay), retired, or missing (never started). */
  state: string;
  checkpoint: string | null;
  eventsApplied: number;
  /** Events of the types it handles after its checkpoint (null when the store cannot count them). */
  eventsBehind: number | null;
  /** Age of the oldest event it has not applied yet, in seconds (0 when caught up). */
  lagSeconds: number;
  until: string | null;
  parked: number;
  lastError: string | null;
  updatedAt: string | null;
};

export type OperationProgress = BuildProgress & { phase: string };

export type OperationOptions = { signal?: AbortSignal; onProgress?: (progress: OperationProgress) => void };

export type RebuildReport = {
  completed: boolean;
  /** Schema built per projection, and the one it replaced. */
  switched: { projection: string; schema: string; replaced: string | null }[];
  outcome: BuildOutcome;
};

export type ReplayReport = { projection: string; schema: string; tables: string[]; until: string; completed: boolean; alreadyBuilt: boolean; outcome: BuildOutcome | null };

export type ResetReport = { projection: string; schema: string; dropped: string[]; completed: boolean; builtBy: 'this process' | 'a projector runner'; outcome: BuildOutcome | null };

/**
 * Status of projections: every schema of each (replays included), and a `missing` row for a
 * version with none yet. "Behind" counts the events of its types after its checkpoint; "lag"
 * is the age of the oldest of them.
 */
export async function projectionStatuses(db: Kysely<unknown>, store: EventStore, projections: readonly Pick<ProjectionDefinition, 'name' | 'version' | 'handles'>[], now: Date): Promise<ProjectionStatus[]> {
  const { rows: parkedRows } = await sql<{ schemaName: string; n: number }>`
    select schema_name as "schemaName", count(*)::int as n from parked_events group by schema_name`.execute(db);
  const parked = new Map(parkedRows.map((r) => [r.schemaName, r.n]));
  const out: ProjectionStatus[] = [];
  for (const projection of projections) {
    const rows = await checkpointsOf(db, projection.name);
    if (!rows.some((r) => r.version === projection.version && (r.state === 'live' || r.state === 'building'))) {
      out.push({
        projection: projection.name,
        version: projection.version,
        schema: null,
        purpose: null,
        state: 'missing',
        checkpoint: null,
        eventsApplied: 0,
        ...(await backlog(store, projection.handles, null, null, now)),
        until: null,
        parked: 0,
        lastError: null,
        updatedAt: null,
      });
    }
    for (const row of rows) {
      // A finished replay is complete as of its moment: nothing is "behind" it.
      const behind = row.state === 'ready' || row.state === 'retired' ? { eventsBehind: 0, lagSeconds: 0 } : await backlog(store, projection.handles, row.position, row.until, now);
      out.push({
        projection: row.projection,
        version: row.version,
        schema: row.schemaName,
        purpose: row.purpose,
        state: row.state,
        checkpoint: row.position,
        eventsApplied: Number(row.eventsApplied),
        ...behind,
        until: row.until ? row.until.toISOString() : null,
        parked: parked.get(row.schemaName) ?? 0,
        lastError: row.lastError,
        updatedAt: row.updatedAt.toISOString(),
      });
    }
  }
  return out;
}

/** Events after `from` of the given types, and how old the first one is. */
async function backlog(store: EventStore, handles: readonly string[], from: string | null, until: Date | null, now: Date): Promise<{ eventsBehind: number | null; lagSeconds: number }> {
  const filter = { types: handles };
  const [first] = await store.adapter.readAll({ from, limit: 1, filter });
  if (!first) return { eventsBehind: 0, lagSeconds: 0 };
  const occurredAt = Date.parse((JSON.parse(first.metadata) as { occurredAt?: string }).occurredAt ?? '');
  // A replay never applies what happened after its moment.
  if (until && occurredAt > until.getTime()) return { eventsBehind: 0, lagSeconds: 0 };
  const eventsBehind = store.adapter.countEvents ? await store.adapter.countEvents({ from, filter }) : null;
  return { eventsBehind, lagSeconds: Number.isFinite(occurredAt) ? Math.max(0, Math.round((now.getTime() - occurredAt) / 1000)) : 0 };
}

/** An operator's mistake (unknown name, wrong state): the CLI prints the message, no stack. */
export class ProjectionOperationRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProjectionOperationRefused';
  }
}

export type ProjectionOperationsOptions<DB> = {
  projections: readonly Projection<DB>[];
  store: EventStore;
  /** Reads, schema changes and checkpoints. */
  db: Kysely<DB>;
  /** Where builds write (synchronous_commit off is fine: read models are derived); default `db`. */
  writeDb?: Kysely<DB>;
  locks: LockConnection;
  logger: ProjectionLogger;
  /** Events per page of a build (default 20000). */
  batchSize?: number;
  now?: () => Date;
};

/**
 * What an operator or an analyst does with projections: status, rebuild beside the serving
 * version, replay "as of" a moment, reset, drop a replay. Builds read the log once for all
 * the projections they build (see `buildProjections`).
 */
export class ProjectionOperations<DB> {
  constructor(private readonly options: ProjectionOperationsOptions<DB>) {}

  private get db(): Kysely<unknown> {
    return this.options.db as unknown as Kysely<unknown>;
  }

  private now(): Date {
    return (this.options.now ?? (() => new Date()))();
  }

  list(): { name: string; version: number; tables: readonly string[]; handles: readonly string[] }[] {
    return this.options.projections.map((p) => ({ name: p.name, version: p.version, tables: p.tables, handles: p.handles }));
  }

  projection(name: string): Projection<DB> {
    const found = this.options.projections.find((p) => p.name === name);
    if (!found) throw new ProjectionOperationRefused(`unknown projection "${name}"; known: ${this.options.projections.map((p) => p.name).join(', ')}`);
    return found;
  }

  /** Every schema of every registered projection (replays included), and the projections with none. */
  async status(names?: readonly string[]): Promise<ProjectionStatus[]> {
    const projections = names?.length ? names.map((n) => this.projection(n)) : this.options.projections;
    return projectionStatuses(this.db, this.options.store, projections, this.now());
  }

  /**
   * Rebuilds projections in new schemas (`proj_<name>_v<version>_r<n>`) while the serving ones
   * keep serving (and their live runners keep them current); once caught up, each is switched
   * in (views, atomically) and the old schema dropped. Live runners move to the new schema on
   * their own. Interrupted, it keeps its work: running it again resumes.
   */
  async rebuild(names: readonly string[], options: OperationOptions = {}): Promise<RebuildReport> {
    const projections = [...new Set(names)].map((n) => this.projection(n));
    const targets: { projection: Projection<DB>; schema: string }[] = [];
    for (const projection of projections) {
      const rows = await checkpointsOf(this.db, projection.name);
      if (rows.some((r) => r.version === projection.version && r.state === 'building' && r.purpose === 'live')) {
        throw new ProjectionOperationRefused(`${projection.name} v${projection.version} is being built by a projector host already; it switches in by itself when caught up`);
      }
      const resumable = rows.find((r) => r.version === projection.version && r.state === 'building' && r.purpose === 'rebuild');
      const schema = resumable?.schemaName ?? rebuildSchemaFor(projection, nextRebuildNumber(rows));
      if (!resumable) await createProjectionSchema(this.db, projection, schema, { purpose: 'rebuild', state: 'building' });
      targets.push({ projection, schema });
    }
    const switched: RebuildReport['switched'] = [];
    const outcome = await this.build(targets, 'rebuild', options, async () => {
      for (const { projection, schema } of targets) {
        const replaced = await switchToSchema(this.db, projection, schema);
        // Retired versions (the one replaced, and leftovers of earlier switches) go.
        for (const row of await checkpointsOf(this.db, projection.name)) {
          if (row.state === 'retired') await dropProjectionSchema(this.db, row.schemaName);
        }
        switched.push({ projection: projection.name, schema, replaced });
        this.options.logger.info('projection rebuilt and switched in', { projection: projection.name, schema, replaced });
      }
    });
    return { completed: outcome.completed, switched, outcome };
  }

  /**
   * Builds the read model as it was at `until` (only events that occurred by then) in its own
   * schema, `proj_<name>_v<version>_asof_<yyyymmddthhmmss>`, queryable by SQL; it never serves
   * the API. Running it again resumes it, or reports it built.
   */
  async replay(name: string, until: Date, options: OperationOptions = {}): Promise<ReplayReport> {
    if (Number.isNaN(until.getTime())) throw new ProjectionOperationRefused('--until must be an ISO-8601 instant, e.g. 2025-03-01T00:00:00Z');
    const projection = this.projection(name);
    const schema = replaySchemaFor(projection, until);
    const base = { projection: projection.name, schema, tables: [...projection.tables], until: until.toISOString() };
    const existing = await checkpointOf(this.db, schema);
    if (existing?.state === 'ready') return { ...base, completed: true, alreadyBuilt: true, outcome: null };
    if (!existing) await createProjectionSchema(this.db, projection, schema, { purpose: 'replay', state: 'building', until });
    const outcome = await this.build([{ projection, schema, until }], 'replay', options, async () => {
      await createSecondaryIndexes(this.db, projection, schema);
      await markSchemaState(this.db, schema, 'ready');
    });
    return { ...base, completed: outcome.completed, alreadyBuilt: false, outcome };
  }

  /**
   * Drops every version of the projection (replays are kept) and starts a live one again from
   * the first event. This process builds it when it can take its lock; when a projector
   * runner took it first, this waits (watching the checkpoint) until it is caught up.
   */
  async reset(name: string, options: OperationOptions & { wait?: boolean } = {}): Promise<ResetReport> {
    const projection = this.projection(name);
    const { schema, dropped } = await resetProjectionSchemas(this.db, projection);
    const base = { projection: projection.name, schema, dropped };
    if (options.wait === false) return { ...base, completed: false, builtBy: 'a projector runner', outcome: null };
    try {
      const outcome = await this.build([{ projection, schema }], 'reset', options);
      return { ...base, completed: outcome.completed, builtBy: 'this process', outcome };
    } catch (error) {
      if (!(error instanceof SchemaBusy)) throw error;
      const completed = await this.watch(projection, schema, options);
      return { ...base, completed, builtBy: 'a projector runner', outcome: null };
    }
  }

  /** Drops a replay, an abandoned rebuild or a retired leftover; never what serves or a host's build. */
  async drop(schema: string): Promise<CheckpointRow> {
    const row = await checkpointOf(this.db, schema);
    if (!row) throw new ProjectionOperationRefused(`no projection schema named ${schema}; see status`);
    if (row.state === 'live') throw new ProjectionOperationRefused(`${schema} serves reads now: use reset or rebuild instead`);
    if (row.state === 'building' && row.purpose === 'live') throw new ProjectionOperationRefused(`${schema} is being built by a projector host: it switches in when caught up`);
    const session = this.options.locks.session(`projection:${schema}`);
    if (!(await session.tryLock())) throw new SchemaBusy(schema);
    try {
      await dropProjectionSchema(this.db, schema);
    } finally {
      await session.unlock();
    }
    return row;
  }

  private build(targets: { projection: Projection<DB>; schema: string; until?: Date }[], phase: string, options: OperationOptions, finish?: () => Promise<void>): Promise<BuildOutcome> {
    return buildProjections({
      store: this.options.store,
      db: this.options.writeDb ?? this.options.db,
      targets,
      locks: this.options.locks,
      logger: this.options.logger,
      batchSize: this.options.batchSize,
      signal: options.signal,
      onProgress: (progress) => options.onProgress?.({ ...progress, phase }),
      finish,
    });
  }

  /** Follows another process's progress on `schema` from its checkpoint row until it reaches the head. */
  private async watch(projection: Projection<DB>, schema: string, options: OperationOptions): Promise<boolean> {
    const { store } = this.options;
    const started = performance.now();
    const filter = { types: projection.handles };
    const total = store.adapter.countEvents ? await store.adapter.countEvents({ filter }) : null;
    const head = await store.headPosition();
    while (!options.signal?.aborted) {
      const row = await checkpointOf(this.db, schema);
      if (!row) return false;
      const events = Number(row.eventsApplied);
      options.onProgress?.({ phase: 'reset (a projector runner builds it)', events, total, checkpoint: row.position, elapsedMs: performance.now() - started });
      if (head === null || (row.position !== null && store.comparePositions(row.position, head) >= 0)) return true;
      await sleep(500, options.signal);
    }
    return false;
  }
}
