import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@app/database';
import { connectNats } from '@app/messaging';
import { useTestDatabase, waitFor } from '@app/testing';
import { E2eClient } from './e2e-client';
import { runLeadStory } from './lead-story';

/**
 * The production topology on this machine: api, projectors and schedulers as three separate
 * processes (the built apps, started as `npm run start:*` would), sharing the real PostgreSQL
 * and NATS. Read-your-writes crosses processes on NATS progress notices; emails cross on the
 * JetStream delivery queue.
 */
const root = join(__dirname, '..', '..');
const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const database = useTestDatabase();
const outboxDir = mkdtempSync(join(tmpdir(), 'copilot-outbox-'));
const suffix = randomUUID().slice(0, 8);
const queue = { DELIVERY_STREAM: `E2E_DELIVERY_${suffix}`, DELIVERY_SUBJECT: `e2e.${suffix}.email`, DELIVERY_CONSUMER: `e2e-workers-${suffix}` };
const processes: { name: string; child: ChildProcess; output: string[] }[] = [];

beforeAll(() => {
  execFileSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'inherit' });
}, 120_000);

afterAll(async () => {
  // A clean stop: each process finishes its work and exits 0 on SIGTERM.
  const exits = processes.map(
    ({ name, child, output }) =>
      new Promise<{ name: string; code: number | null; output: string[] }>((resolve) => {
        if (child.exitCode !== null) return resolve({ name, code: child.exitCode, output });
        child.once('exit', (code) => resolve({ name, code, output }));
        child.kill('SIGTERM');
      }),
  );
  const results = await Promise.all(exits);
  rmSync(outboxDir, { recursive: true, force: true });
  const nc = await connectNats({ servers: natsUrl });
  const jsm = await nc.jetstreamManager();
  await jsm.streams.delete(queue.DELIVERY_STREAM).catch(() => undefined);
  await nc.close();
  for (const r of results) expect({ process: r.name, exitCode: r.code, tail: r.code === 0 ? [] : r.output.slice(-5) }).toEqual({ process: r.name, exitCode: 0, tail: [] });
}, 60_000);

function start(name: 'api' | 'projectors' | 'schedulers', env: Record<string, string>): void {
  const child = spawn(process.execPath, ['--enable-source-maps', join(root, 'dist', 'apps', name, 'src', 'main.js')], {
    cwd: root,
    env: { ...process.env, ...env, EVENTSTORE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(...chunk.toString().split('\n').filter(Boolean));
    if (output.length > 200) output.splice(0, output.length - 200);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  processes.push({ name, child, output });
}

it('runs the story with api, projectors and schedulers as three processes on PostgreSQL and NATS', async () => {
  const [apiPort, projectorsPort, schedulersPort] = [await freePort(), await freePort(), await freePort()];
  const publicUrl = `http://127.0.0.1:${apiPort}`;
  const shared = {
    DATABASE_URL: database.url,
    NATS_URL: natsUrl,
    PII_MASTER_KEY: randomBytes(32).toString('hex'),
    TRACKING_SECRET: randomBytes(32).toString('base64url'),
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    DATABASE_POOL_SIZE: '6',
  };
  start('api', { ...shared, PORT: String(apiPort), PUBLIC_URL: publicUrl, JWT_SECRET: randomBytes(32).toString('base64url'), EMAIL_HASH_SECRET: randomBytes(32).toString('base64url') });
  start('projectors', { ...shared, PORT: String(projectorsPort) });
  start('schedulers', { ...shared, PORT: String(schedulersPort), PUBLIC_URL: publicUrl, OUTBOX_DIR: outboxDir, TIMER_POLL_MS: '100', ...queue });

  for (const port of [apiPort, projectorsPort, schedulersPort]) {
    await waitFor(() => fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.ok, () => false), {
      timeoutMs: 30_000,
      message: `the process on port ${port} did not become ready: ${JSON.stringify(processes.map((p) => [p.name, p.output.slice(-3)]))}`,
    });
  }
  const health = (await (await fetch(`http://127.0.0.1:${schedulersPort}/health/ready`)).json()) as { checks: Record<string, { ok: boolean }> };
  expect(health.checks.nats?.ok).toBe(true);

  await runLeadStory(new E2eClient(publicUrl), outboxDir);

  // Metrics come from each process: commands handled in the API, projections in the projectors.
  const metrics = await (await fetch(`http://127.0.0.1:${apiPort}/metrics`)).text();
  expect(metrics).toMatch(/commands_handled_total\{command="EnrollLead"\} 3/);
  const projectorMetrics = await (await fetch(`http://127.0.0.1:${projectorsPort}/metrics`)).text();
  expect(projectorMetrics).toMatch(/projection_events_applied_total\{projection="campaigns"\} [1-9]/);
  const schedulerMetrics = await (await fetch(`http://127.0.0.1:${schedulersPort}/metrics`)).text();
  expect(schedulerMetrics).toMatch(/timers_fired_total [1-9]/);
}, 180_000);
