import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort, isAlive } from '@app/database';
import { waitFor } from '@app/testing';
import { E2eClient } from './e2e-client';

/**
 * `npm start` as a new user runs it: no DATABASE_URL, so the single process starts its own
 * embedded PostgreSQL under DATA_DIR and talks to it over a Unix socket. Stopped with Ctrl-C
 * (SIGINT to the process group) and started again on the same directory, it has lost nothing;
 * killed outright, the next start takes over the database it left running.
 */
const root = join(__dirname, '..', '..');
const dataDir = mkdtempSync(join(tmpdir(), 'copilot-sa-'));
// mkdtemp makes it private; as root the embedded server runs as its own user and must get in.
chmodSync(dataDir, 0o755);
let port: number;
let postgresPort: number;
let running: { child: ChildProcess; output: string[] } | null = null;

beforeAll(async () => {
  port = await freePort();
  postgresPort = await freePort();
});

afterAll(async () => {
  if (running && running.child.exitCode === null) await stop();
  // A failure between the kill and the next start would leave that server running.
  const pidFile = join(dataDir, 'postgres', 'cluster', 'postmaster.pid');
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (pid && isAlive(pid)) process.kill(pid, 'SIGINT');
  }
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

async function start(): Promise<E2eClient> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(root, 'standalone', 'main.ts')], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: '', EVENTSTORE_URL: '', NATS_URL: '', DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: String(port), EMBEDDED_POSTGRES_PORT: String(postgresPort), LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, as a terminal gives it: Ctrl-C signals the whole group.
    detached: true,
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => output.push(...chunk.toString().split('\n').filter(Boolean));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  running = { child, output };
  await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`npm start's process exited with ${child.exitCode}: ${output.slice(-5).join('\n')}`);
      return fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.ok, () => false);
    },
    { timeoutMs: 90_000, message: "npm start's process did not become ready" },
  );
  return new E2eClient(`http://127.0.0.1:${port}`);
}

/**
 * SIGINT to the process group, as Ctrl-C in a terminal sends it (to the app and to every process
 * it started); resolves with the exit code and what it logged.
 */
async function stop(): Promise<{ code: number | null; output: string[] }> {
  const { child, output } = running as { child: ChildProcess; output: string[] };
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  process.kill(-(child.pid as number), 'SIGINT');
  const code = await exited;
  running = null;
  return { code, output };
}

const REGISTER = `mutation { register(input: { email: "solo@acme.test", password: "correct horse battery", name: "Solo Rep", workspaceName: "Solo" }) { accessToken } }`;
const LOGIN = `mutation { login(input: { email: "solo@acme.test", password: "correct horse battery" }) { accessToken } }`;
const TEMPLATES = `{ templates { totalCount nodes { name subject } } }`;

it('runs on an embedded PostgreSQL over a Unix socket, stops cleanly on Ctrl-C, and keeps everything across restarts, even after being killed', async () => {
  const first = await start();
  const { register } = await first.ok<{ register: { accessToken: string } }>(REGISTER);
  await first.ok(`mutation ($i: CreateTemplateInput!) { createTemplate(input: $i) { id } }`, { i: { name: 'Intro', subject: 'Hello {{firstName}}', body: 'Hi {{firstName}}', category: 'COLD_OUTREACH' } }, register.accessToken);
  expect((await first.ok<{ templates: { totalCount: number } }>(TEMPLATES, {}, register.accessToken)).templates.totalCount).toBe(1);

  // The app's connections come over the socket in the cluster's directory, none over TCP.
  const socketDir = join(dataDir, 'postgres', 'cluster');
  expect(existsSync(join(socketDir, `.s.PGSQL.${postgresPort}`))).toBe(true);
  const admin = new Client({ host: socketDir, port: postgresPort, user: 'postgres', password: 'postgres', database: 'copilot' });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ socket: number; tcp: number }>(
      `select count(*) filter (where client_addr is null)::int as socket, count(*) filter (where client_addr is not null)::int as tcp
       from pg_stat_activity where datname = 'copilot' and pid <> pg_backend_pid()`,
    );
    expect(rows[0]?.socket).toBeGreaterThan(0);
    expect(rows[0]?.tcp).toBe(0);
  } finally {
    await admin.end();
  }

  const stopped = await stop();
  expect({ code: stopped.code, cleanly: stopped.output.some((line) => line.includes('stopped cleanly')) }).toEqual({ code: 0, cleanly: true });
  // The database stops after the app has closed its connections, not under them: Ctrl-C does
  // not reach it directly.
  expect(stopped.output.filter((line) => /"level":"(warn|error)"/.test(line))).toEqual([]);

  const second = await start();
  const { login } = await second.ok<{ login: { accessToken: string } }>(LOGIN);
  const { templates } = await second.ok<{ templates: { totalCount: number; nodes: { name: string; subject: string }[] } }>(TEMPLATES, {}, login.accessToken);
  expect(templates).toEqual({ totalCount: 1, nodes: [{ name: 'Intro', subject: 'Hello {{firstName}}' }] });

  // Killed outright, the app cannot stop its database, which runs on: the next start stops
  // that server and starts its own on the same data.
  const killed = running as { child: ChildProcess };
  const gone = new Promise((resolve) => killed.child.once('exit', resolve));
  killed.child.kill('SIGKILL');
  await gone;
  running = null;
  const leftOver = Number(readFileSync(join(socketDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  expect(isAlive(leftOver)).toBe(true);
  const third = await start();
  expect(isAlive(leftOver)).toBe(false);
  const again = await third.ok<{ login: { accessToken: string } }>(LOGIN);
  expect((await third.ok<{ templates: { totalCount: number } }>(TEMPLATES, {}, again.login.accessToken)).templates.totalCount).toBe(1);
  expect((await stop()).code).toBe(0);
}, 240_000);

