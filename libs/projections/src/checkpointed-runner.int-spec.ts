import { randomUUID } from 'node:crypto';
import { OpenedEventStore, RecordedEvent, openPostgresEventStore } from '@app/event-store';
import { ProjectionRunner, Reactor, ReactorRunner, defineProjection, prepareProjection, reactorCheckpointKey, schemaFor } from '@app/projections';
import { TEST_MASTER_KEY, templateCreated, useTestDatabase, waitFor, writeMetadata } from '@app/testing';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { Pool } from 'pg';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('checkpointed runners', () => {
  let opened: OpenedEventStore;
  let db: Kysely<unknown>;
  let lockPool: Pool;
  const controllers: AbortController[] = [];
  const running: Promise<void>[] = [];
  afterAll(async () => {
    for (const c of controllers) c.abort();
    await Promise.all(running);
    await db?.destroy();
    await lockPool?.end();
    await opened?.close();
  });
  const database = useTestDatabase();

  beforeAll(() => {
    opened = openPostgresEventStore({ connectionString: database.url, masterKey: TEST_MASTER_KEY, poolSize: 4 });
    db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new Pool({ connectionString: database.url, max: 8 }) }) });
    lockPool = new Pool({ connectionString: database.url, max: 4 });
  });

  const start = (runner: { run(signal: AbortSignal): Promise<void> }) => {
    const controller = new AbortController();
    controllers.push(controller);
    const done = runner.run(controller.signal);
    running.push(done);
    return async () => {
      controller.abort();
      await done;
    };
  };
  const appendTemplates = async (n: number) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const id = randomUUID();
      ids.push(id);
      await opened.store.append(`template-${id}`, [templateCreated(id)], 'no_stream', writeMetadata());
    }
    return ids;
  };
  const storedCheckpoint = async (key: string) =>
    (await sql<{ position: string | null; events: string }>`select position, events_applied::text as events from projection_checkpoints where schema_name = ${key}`.execute(db)).rows[0];

  describe('a reactor runner', () => {
    it('hands each event to the reactor and saves the checkpoint after it, so a restart goes on from there', async () => {
      const seen: string[] = [];
      const reactor: Reactor = { name: 'test_seen', handles: ['TemplateCreated'], handle: async (events) => void seen.push(...events.map((e) => e.streamId)) };
      const first = await appendTemplates(3);
      const stop = start(new ReactorRunner({ reactor, store: opened.store, db, logger: silent, lockPool, standbyMs: 100 }));
      await waitFor(() => first.every((id) => seen.includes(`template-${id}`)));
      await stop();
      const saved = await storedCheckpoint(reactorCheckpointKey('test_seen'));
      expect(saved?.position).not.toBeNull();
      expect(Number(saved?.events)).toBeGreaterThanOrEqual(3);

      const second = await appendTemplates(2);
      const before = seen.length;
      const again = start(new ReactorRunner({ reactor, store: opened.store, db, logger: silent, standbyMs: 100 }));
      await waitFor(() => second.every((id) => seen.includes(`template-${id}`)));
      await again();
      // Only the new events: what was checkpointed is not handled again.
      expect(seen.slice(before).sort()).toEqual(second.map((id) => `template-${id}`).sort());
    });

    it('retries a failing batch and never skips it: the checkpoint waits until the reaction succeeds', async () => {
      let failures = 0;
      const handled: string[] = [];
      const reactor: Reactor = {
        name: 'test_flaky',
        handles: ['TemplateCreated'],
        handle: async (events) => {
          if (failures < 5) {
            failures++;
            throw new Error('broker unavailable');
          }
          handled.push(...events.map((e) => e.id));
        },
      };
      const [id] = await appendTemplates(1);
      const stop = start(new ReactorRunner({ reactor, store: opened.store, db, logger: silent, standbyMs: 100 }));
      await waitFor(async () => (await opened.store.readStream(`template-${id}`)).every((e) => handled.includes(e.id)), { timeoutMs: 20_000 });
      await stop();
      expect(failures).toBe(5);
      const parked = await sql`select 1 from parked_events where schema_name = ${reactorCheckpointKey('test_flaky')}`.execute(db);
      expect(parked.rows).toHaveLength(0);
    });

    it('runs one active instance: a second one stands by', async () => {
      const handledBy: string[] = [];
      const make = (who: string): Reactor => ({ name: 'test_single', handles: ['TemplateCreated'], handle: async (events) => void handledBy.push(...events.map(() => who)) });
      const a = new ReactorRunner({ reactor: make('a'), store: opened.store, db, logger: silent, lockPool, standbyMs: 100 });
      const b = new ReactorRunner({ reactor: make('b'), store: opened.store, db, logger: silent, lockPool, standbyMs: 100 });
      const stopA = start(a);
      await waitFor(() => a.status().holdsLock);
      const stopB = start(b);
      await appendTemplates(2);
      await waitFor(() => a.status().caughtUp && handledBy.length > 0);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(b.status().holdsLock).toBe(false);
      expect(new Set(handledBy)).toEqual(new Set(['a']));
      // The active one stops: the standby takes over from its checkpoint.
      await stopA();
      await waitFor(() => b.status().holdsLock, { timeoutMs: 5000 });
      await appendTemplates(1);
      await waitFor(() => handledBy.includes('b'));
      await stopB();
    });
  });

  describe('a projection runner (after the refactoring into a shared base)', () => {
    const counts = defineProjection<unknown>()({
      name: 'test_counts',
      version: 1,
      handles: ['TemplateCreated'],
      tables: ['test_counts'],
      async migrate(schemaDb, schema) {
        await sql`create table ${sql.id(schema, 'test_counts')} (template_id uuid primary key, name text not null)`.execute(schemaDb);
      },
      async apply({ schema }, events) {
        for (const event of events) {
          if (event.data.name === 'poison') throw new Error('cannot apply this one');
          await sql`insert into ${sql.id(schema, 'test_counts')} values (${event.data.templateId}, ${event.data.name}) on conflict do nothing`.execute(db);
        }
      },
    });

    it('applies batches, moves its checkpoint, and parks an event that keeps failing', async () => {
      await prepareProjection(db, counts);
      const schema = schemaFor(counts);
      const poison = randomUUID();
      await opened.store.append(`template-${poison}`, [templateCreated(poison, { name: 'poison' })], 'no_stream', writeMetadata());
      const ids = await appendTemplates(2);
      const runner = new ProjectionRunner({ projection: counts, store: opened.store, db, schema, logger: silent, lockPool, standbyMs: 100 });
      const stop = start(runner);
      await waitFor(async () => (await sql`select 1 from ${sql.id(schema, 'test_counts')}`.execute(db)).rows.length >= ids.length, { timeoutMs: 20_000 });
      await waitFor(() => runner.status().parked === 1, { timeoutMs: 20_000 });
      await stop();
      const parked = await sql<{ eventType: string }>`select event_type as "eventType" from parked_events where schema_name = ${schema}`.execute(db);
      expect(parked.rows).toEqual([{ eventType: 'TemplateCreated' }]);
      expect((await storedCheckpoint(schema))?.position).toBe(runner.status().checkpoint);
      const events: RecordedEvent[] = await opened.store.readAll({ filter: { types: ['TemplateCreated'] }, limit: 1000 });
      expect(runner.status().checkpoint).not.toBeNull();
      expect(opened.store.comparePositions(runner.status().checkpoint as string, (events.at(-1) as RecordedEvent).position)).toBeGreaterThanOrEqual(0);
    });
  });
});
