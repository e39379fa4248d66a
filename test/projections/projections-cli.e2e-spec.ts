import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { OpenedEventStore, openPostgresEventStore } from '@app/event-store';
import { LockConnection, Projection, ProjectionHost } from '@app/projections';
import { TEST_MASTER_KEY, readModelChecksums, readModelDb, recordingLogger, springCampaign, useTestDatabase, waitForProjectionsAtHead } from '@app/testing';
import { Kysely, sql } from 'kysely';
import { projections } from '../../apps/projectors/src/index';

const database = useTestDatabase();
let opened: OpenedEventStore;
let db: Kysely<unknown>;

const root = join(__dirname, '..', '..');
const all = projections as unknown as readonly Projection<unknown>[];
const byName = (name: string) => projections.filter((p) => p.name === name);

type Run = { code: number; stdout: string; stderr: string };

/**
 * `npm run projections -- <args>` as an operator runs it, in its own process, its output
 * piped (not a terminal).
 */
function cli(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-r', '@swc-node/register', 'scripts/projections.ts', ...args],
      {
        cwd: root,
        timeout: 120_000,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: database.url, PII_MASTER_KEY: TEST_MASTER_KEY.toString('hex'), DATA_DIR: join(root, '.data', 'no-such-dir'), ...env },
      },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** What an operator's mistake must leave as it was: every projection schema and checkpoint. */
async function projectionState(): Promise<unknown> {
  const { rows: checkpoints } = await sql`select schema_name, projection, version, purpose, state, position::text, events_applied::text from projection_checkpoints order by schema_name`.execute(db);
  const { rows: schemas } = await sql`select nspname from pg_namespace where nspname like 'proj\\_%' order by nspname`.execute(db);
  return { checkpoints, schemas, checksums: await readModelChecksums(db, projections) };
}

async function schemaTableCount(schema: string, table: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.id(schema, table)}`.execute(db);
  return rows[0]?.n ?? -1;
}

beforeAll(async () => {
  opened = openPostgresEventStore({ connectionString: database.url, masterKey: TEST_MASTER_KEY, pollIntervalMs: 20 });
  db = readModelDb<unknown>(database.url, 8);
  await springCampaign(opened.store, 'cli');
  // The projector host builds every read model live, then goes away: the CLI works alone.
  const locks = new LockConnection(database.url);
  const host = new ProjectionHost<unknown>({ projections: all, store: opened.store, db, logger: recordingLogger(), batchSize: 100, locks });
  await host.start();
  try {
    await waitForProjectionsAtHead(opened.store, host);
  } finally {
    await host.stop();
    await locks.close();
  }
}, 60_000);

afterAll(async () => {
  await opened.close();
  await db.destroy();
});

describe('npm run projections', () => {
  it('list: one line per registered projection, with its version, tables and events', async () => {
    const { code, stdout, stderr } = await cli(['list']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(projections.length);
    const replyRates = lines.find((l) => l.startsWith('reply_rates '));
    expect(replyRates).toBe('reply_rates v1: tables reply_rates_by_send_time, reply_rate_emails, reply_rate_leads; handles LeadCreated, LeadUpdated, EmailSent, ReplyReceived');
  }, 60_000);

  it('status: a table of every read model (version, schema, state, checkpoint, behind, lag), or JSON', async () => {
    const table = await cli(['status']);
    expect(table.code).toBe(0);
    const [header, ...rows] = table.stdout.trim().split('\n');
    expect(header?.split(/\s+/)).toEqual(['PROJECTION', 'VERSION', 'SCHEMA', 'STATE', 'CHECKPOINT', 'APPLIED', 'BEHIND', 'LAG', 'PARKED']);
    expect(rows).toHaveLength(projections.length);
    expect(rows.find((r) => r.startsWith('leads '))?.split(/\s+/)).toEqual(['leads', 'v2', 'proj_leads_v2', 'live', expect.stringMatching(/^\S+$/), expect.stringMatching(/^[1-9]\d*$/), '0', expect.stringMatching(/^\d+[smhd]$/), '0']);

    const json = await cli(['status', 'reply_rates', '--json']);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as { projection: string; state: string; eventsBehind: number; checkpoint: string }[];
    expect(parsed).toEqual([expect.objectContaining({ projection: 'reply_rates', version: 1, schema: 'proj_reply_rates_v1', purpose: 'live', state: 'live', eventsBehind: 0, lagSeconds: 0, parked: 0 })]);
  }, 60_000);

  it('rebuild <name>: builds beside the serving schema, switches it in, drops the old one, same rows; plain progress lines off a terminal', async () => {
    const before = await readModelChecksums(db, byName('reply_rates'));
    const { code, stdout, stderr } = await cli(['rebuild', 'reply_rates']);
    expect({ code, stderr }).toMatchObject({ code: 0 });
    expect(stderr).toMatch(/^Rebuilding reply_rates on postgres(ql)?:\/\/.* \(the serving versions keep serving\)$/m);
    expect(stderr).toMatch(/^rebuild: \d+\/\d+ events \(100%\), \d+ events\/s, ETA \d+s$/m);
    // No bar, no cursor moves: a log file reads cleanly.
    expect(stderr).not.toMatch(/\u001b|\r/);
    expect(stdout).toMatch(/^reply_rates: proj_reply_rates_v1_r1 switched in, proj_reply_rates_v1 dropped$/m);
    expect(stdout).toMatch(/^\d+ events in \d+\.\d s \(\d+ events\/s\)$/m);
    expect(await readModelChecksums(db, byName('reply_rates'))).toEqual(before);
    const { rows } = await sql<{ schemaName: string; state: string }>`select schema_name as "schemaName", state from projection_checkpoints where projection = 'reply_rates'`.execute(db);
    expect(rows).toEqual([{ schemaName: 'proj_reply_rates_v1_r1', state: 'live' }]);
  }, 60_000);

  it('replay <name> --until <ISO>: the read model as of that moment, in its own schema, the serving one untouched', async () => {
    const { rows: sends } = await sql<{ at: string }>`select metadata->>'occurredAt' as at from es_events where type = 'EmailSent' order by metadata->>'occurredAt'`.execute(db);
    const times = sends.map((s) => Date.parse(s.at));
    // A second after a send followed by a quiet spell: the sends up to it, and no more, had happened.
    const sentBefore = times.findIndex((t, i) => i + 1 < times.length && (times[i + 1] as number) - t > 2000) + 1;
    if (sentBefore < 1) throw new Error('the story never pauses between sends: no moment splits them');
    const until = new Date((times[sentBefore - 1] as number) + 1000);
    const serving = await readModelChecksums(db, byName('reply_rates'));
    const { code, stdout, stderr } = await cli(['replay', 'reply_rates', '--until', until.toISOString()]);
    expect({ code, stderr: stderr.includes('error') ? stderr : '' }).toEqual({ code: 0, stderr: '' });
    const schema = `proj_reply_rates_v1_asof_${until.toISOString().slice(0, 19).replace(/[-:]/g, '').toLowerCase()}`;
    expect(stdout).toContain(`reply_rates as of ${until.toISOString()} is in schema ${schema}:`);
    expect(stdout).toContain(`  select * from "${schema}".reply_rates_by_send_time;`);
    expect(stdout).toContain(`Drop it when done: npm run projections -- drop ${schema}`);
    expect(await schemaTableCount(schema, 'reply_rate_emails')).toBe(sentBefore);
    expect(sentBefore).toBeLessThan(sends.length);
    expect(await schemaTableCount('public', 'reply_rate_emails')).toBe(sends.length);
    expect(await readModelChecksums(db, byName('reply_rates'))).toEqual(serving);

    const again = await cli(['replay', 'reply_rates', '--until', until.toISOString()]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('(built before)');
    const status = JSON.parse((await cli(['status', 'reply_rates', '--json'])).stdout) as { schema: string; purpose: string; state: string; until: string | null }[];
    expect(status).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ schema: expect.stringMatching(/^proj_reply_rates_v1(_r\d+)?$/), state: 'live' }),
        expect.objectContaining({ schema, purpose: 'replay', state: 'ready', until: until.toISOString(), eventsBehind: 0 }),
      ]),
    );
  }, 90_000);

  it('reset <name>: drops its versions and builds it again from the first event, to the same rows', async () => {
    const before = await readModelChecksums(db, byName('leads'));
    const { code, stdout } = await cli(['reset', 'leads']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^leads: dropped proj_leads_v2; live again in proj_leads_v2(_r\d+)?, from the first event$/m);
    expect(stdout).toContain('caught up (built by this process)');
    expect(await readModelChecksums(db, byName('leads'))).toEqual(before);
  }, 60_000);

  it('refuses mistakes with a clear message and a non-zero exit, and changes nothing', async () => {
    const before = await projectionState();
    const cases: { args: string[]; env?: Record<string, string | undefined>; code: number; message: RegExp }[] = [
      { args: ['rebuild', 'nosuch'], code: 1, message: /^unknown projection "nosuch"; known: members, templates, .*reply_rates/m },
      { args: ['rebuild', 'leads', 'nosuch'], code: 1, message: /^unknown projection "nosuch"/m },
      { args: ['reset', 'nosuch'], code: 1, message: /^unknown projection "nosuch"/m },
      { args: ['status', 'nosuch'], code: 1, message: /^unknown projection "nosuch"/m },
      { args: ['replay', 'nosuch', '--until', '2025-03-01T00:00:00Z'], code: 1, message: /^unknown projection "nosuch"/m },
      { args: ['replay', 'reply_rates', '--until', 'yesterday'], code: 2, message: /^--until "yesterday" is not an ISO-8601 instant$/m },
      { args: ['replay', 'reply_rates', '--until', '2025-13-45T00:00:00Z'], code: 2, message: /^--until "2025-13-45T00:00:00Z" is not an ISO-8601 instant$/m },
      { args: ['replay', 'reply_rates'], code: 2, message: /^replay needs --until <ISO-8601 instant>/m },
      { args: ['rebuild'], code: 2, message: /^rebuild needs projection names, or --all$/m },
      { args: ['frobnicate'], code: 2, message: /^unknown command "frobnicate"$/m },
      { args: ['status', '--colour'], code: 2, message: /Unknown option '--colour'/ },
      { args: ['status'], env: { DATABASE_URL: undefined }, code: 2, message: /^DATABASE_URL: required, a postgres:\/\/ URL/m },
      { args: ['rebuild', 'leads'], env: { PII_MASTER_KEY: undefined }, code: 2, message: /^PII_MASTER_KEY \(unset\): required/m },
    ];
    for (const c of cases) {
      const run = await cli(c.args, c.env);
      expect({ args: c.args, code: run.code, stdout: run.stdout }).toEqual({ args: c.args, code: c.code, stdout: '' });
      expect(run.stderr).toMatch(c.message);
      // A message, never a stack trace.
      expect(run.stderr).not.toMatch(/^\s+at /m);
      // Usage mistakes print the usage too.
      if (c.code === 2) expect(run.stderr).toContain('npm run projections -- replay <name> --until <ISO>');
    }
    expect(await projectionState()).toEqual(before);
  }, 240_000);
});
