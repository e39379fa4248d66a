import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { dropDatabase, ensureDatabase, withDatabase } from '@app/database';
import { TEST_MASTER_KEY, assertTestDatabase, fileDatabaseName, templateCreated, templateRevised, useTestDatabase, writeMetadata } from '@app/testing';
import { OpenedEventStore, PostgresEventStore, migrateEventStore, openPostgresEventStore } from '@app/event-store';
import { EventStoreDbDouble } from '../../../../test/eventstoredb-double/eventstoredb-double';

/** `npm run migrate:event-store` as a user runs it, in a child process. */
const ROOT = join(__dirname, '..', '..', '..', '..');
const source = useTestDatabase();
const backName = fileDatabaseName(`${process.env.JEST_WORKER_ID ?? '0'}cli`, randomBytes(4).toString('hex'));
assertTestDatabase(backName);
const backUrl = withDatabase(source.serverUrl, backName);
let double: EventStoreDbDouble;
let opened: OpenedEventStore;

function command(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  // Only what the command needs: no DATABASE_URL or EVENTSTORE_URL leaking in from the shell.
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  return new Promise((resolve) => {
    execFile(process.execPath, ['-r', '@swc-node/register', 'scripts/migrate-event-store.ts', ...args], { cwd: ROOT, env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  await ensureDatabase(source.serverUrl, backName);
  await migrateEventStore(backUrl);
  double = await EventStoreDbDouble.start();
  opened = openPostgresEventStore({ connectionString: source.url, masterKey: TEST_MASTER_KEY });
  for (let i = 0; i < 5; i++) {
    const id = randomUUID();
    await opened.store.append(`template-${id}`, [templateCreated(id), templateRevised(id, 1)], 'no_stream', writeMetadata());
  }
});
afterAll(async () => {
  await opened?.close();
  await double?.stop();
  await dropDatabase(source.serverUrl, backName);
});

describe('npm run migrate:event-store', () => {
  it('copies PostgreSQL into EventStoreDB and back, reporting progress as plain lines when not on a terminal', async () => {
    const there = await command(['--from', 'postgres', '--to', 'esdb', '--from-url', source.url, '--to-url', double.url, '--batch-size', '4']);
    expect(there).toMatchObject({ code: 0 });
    expect(there.stdout).toContain('10 events in 5 streams; this run copied 10');
    expect(there.stdout).toContain('Verified');
    expect(there.stderr).toMatch(/Copying: 10\/10 events \(100%\)/);

    const again = await command(['--from', 'postgres', '--to', 'esdb', '--from-url', source.url, '--to-url', double.url]);
    expect(again.stdout).toContain('this run copied 0');

    const back = await command(['--from', 'esdb', '--to', 'postgres', '--from-url', double.url, '--to-url', backUrl, '--keys-url', source.url]);
    expect(back).toMatchObject({ code: 0 });
    expect(back.stdout).toContain('this run copied 10');
    const copied = new PostgresEventStore({ connectionString: backUrl });
    try {
      const original = await opened.store.adapter.readAll();
      const result = await copied.readAll();
      expect(result.map((e) => [e.id, e.hash])).toEqual(original.map((e) => [e.id, e.hash]));
    } finally {
      await copied.close();
    }
  });

  it('stops with a message naming what is missing', async () => {
    const result = await command(['--from', 'postgres', '--to', 'esdb', '--from-url', source.url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--to-url or EVENTSTORE_URL is required');
    expect(result.stderr).toContain('npm run migrate:event-store -- --from postgres|esdb');
  });
});
