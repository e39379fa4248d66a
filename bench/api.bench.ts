/**
 * bench:api: the API under load, as a client sees it, against the real single-process server
 * (`dist/standalone/main.js`) on a scratch database:
 *   1. a trivial query ({ __typename }) as the baseline of this server on this machine;
 *   2. enrollLead (a command, waiting until its own write is visible) and dashboard;
 *   3. projection lag at a steady command rate: enrollments appended at RATE per second,
 *      time from append to the campaigns and enrollments read models showing them.
 * Prints JSON. BENCH_SECONDS (default 15), BENCH_CONNECTIONS (32), BENCH_RATE (500).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { Pool } from 'pg';
import { EnrollmentUseCases, Facts, emailHash, stableIds } from '@app/application';
import { normaliseEmail } from '@app/domain';
import { openPostgresEventStore } from '@app/event-store';
import { freePort } from '@app/database';
import { testCommandRunner } from '@app/testing';
import { benchDatabase, percentiles } from './bench-support';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const RATE = Number(process.env.BENCH_RATE ?? 500);
const secrets = {
  JWT_SECRET: 'bench-jwt-secret-bench-jwt-secret-0001',
  TRACKING_SECRET: 'bench-tracking-secret-bench-tracking-01',
  EMAIL_HASH_SECRET: 'bench-email-hash-secret-bench-email-001',
  PII_MASTER_KEY: '11'.repeat(32),
};

type Gql = <T>(query: string, variables?: Record<string, unknown>) => Promise<T>;

function client(url: string, token?: string): Gql {
  return async <T>(query: string, variables?: Record<string, unknown>) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
    if (body.errors?.length || !body.data) throw new Error(`GraphQL error: ${JSON.stringify(body.errors)}`);
    return body.data;
  };
}

async function load(name: string, url: string, body: () => string, token: string) {
  const result = await autocannon({
    url,
    method: 'POST',
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    requests: [{ setupRequest: (request) => ({ ...request, body: body() }) }],
  });
  const errors = result.errors + result.non2xx;
  return { name, requestsPerSecond: Math.round(result.requests.average), latencyMs: { p50: result.latency.p50, p99: result.latency.p99 }, requests: result.requests.total, errors };
}

async function main(): Promise<void> {
  const bench = await benchDatabase('copilot_bench_api');
  const port = await freePort();
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const preload = process.env.BENCH_PRELOAD ? ['-r', process.env.BENCH_PRELOAD] : [];
  const server = spawn(process.execPath, ['--enable-source-maps', ...profile, ...preload, 'dist/standalone/main.js'], {
    env: { ...process.env, ...secrets, DATABASE_URL: bench.url, PORT: String(port), LOG_LEVEL: 'warn', NATS_URL: '', EVENTSTORE_URL: '' },
    stdio: ['ignore', process.env.BENCH_SERVER_LOG ? 'inherit' : 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      if (await fetch(`${base}/health/ready`).then((r) => r.ok, () => false)) break;
      if (i > 300) throw new Error('server did not become ready');
      await new Promise((r) => setTimeout(r, 100));
    }
    const url = `${base}/graphql`;
    const anonymous = client(url);
    const { register } = await anonymous<{ register: { accessToken: string; workspace: { id: string }; user: { id: string } } }>(
      `mutation { register(input: { email: "bench@example.com", password: "correct horse battery", name: "Bench", workspaceName: "Bench" }) { accessToken workspace { id } user { id } } }`,
    );
    const token = register.accessToken;
    const workspaceId = register.workspace.id;
    const gql = client(url, token);

    // A launched campaign whose first step is a day away: enrolling schedules, nothing sends.
    const { createTemplate } = await gql<{ createTemplate: { id: string } }>(`mutation { createTemplate(input: { name: "T", subject: "Hi {{firstName}}", body: "Hello {{firstName}}" }) { id } }`);
    const { createSequence } = await gql<{ createSequence: { id: string } }>(
      `mutation ($t: ID!) { createSequence(input: { name: "S", steps: [{ templateId: $t, delay: "P1D" }] }) { id } }`,
      { t: createTemplate.id },
    );
    const campaign = async () =>
      (await gql<{ createCampaign: { id: string } }>(`mutation ($s: ID!) { createCampaign(input: { name: "C", sequenceId: $s }) { id } }`, { s: createSequence.id })).createCampaign.id;
    const loadCampaign = await campaign();
    const lagCampaign = await campaign();
    await gql(`mutation ($c: ID!) { launchCampaign(id: $c) { id } }`, { c: loadCampaign });
    await gql(`mutation ($c: ID!) { launchCampaign(id: $c) { id } }`, { c: lagCampaign });

    // Leads to enrol: enough for the load phase and the lag phase.
    const leadCount = Math.max(2000, CONNECTIONS * SECONDS * 40) + RATE * SECONDS;
    const emails = Array.from({ length: leadCount }, (_, i) => `lead${i}-${randomUUID().slice(0, 6)}@example.com`);
    for (let i = 0; i < emails.length; i += 1000) {
      await gql(`mutation ($leads: [ImportLeadInput!]!) { importLeads(input: { leads: $leads }) { created } }`, {
        leads: emails.slice(i, i + 1000).map((email, k) => ({ email, firstName: `Lead${i + k}` })),
      });
    }
    const leadIds = emails.map((email) => stableIds.lead(workspaceId, emailHash(secrets.EMAIL_HASH_SECRET, normaliseEmail(email))));
    let next = 0;
    if (process.env.BENCH_MARK) require('node:fs').writeFileSync(process.env.BENCH_MARK, 'setup done');

    // BENCH_ONLY=enroll or BENCH_ONLY=lag runs only that phase (to measure or profile one thing at a time).
    const only = process.env.BENCH_ONLY;
    const skipped = { name: 'skipped', requestsPerSecond: 1, latencyMs: { p50: 0, p99: 0 }, requests: 0, errors: 0 };
    const trivial = only ? skipped : await load('trivial query { __typename }', url, () => JSON.stringify({ query: '{ __typename }' }), token);
    const enroll = only === 'lag' ? skipped : await load(
      'enrollLead',
      url,
      () => JSON.stringify({ query: 'mutation ($i: EnrollLeadInput!) { enrollLead(input: $i) { id status } }', variables: { i: { campaignId: loadCampaign, leadId: leadIds[next++ % leadIds.length] } } }),
      token,
    );
    const today = new Date().toISOString().slice(0, 10);
    const dashboard = only ? skipped : await load(
      'dashboard',
      url,
      () => JSON.stringify({ query: `{ dashboard(from: "${today}", to: "${today}") { totals { enrolled emailsSent } rates { openRate } days { day enrolled } } }` }),
      token,
    );

    // Projection lag: append enrollments at RATE per second straight to the store (as the
    // API's handlers do), and watch the read models' checkpoints pass each one.
    const opened = openPostgresEventStore({ connectionString: bench.url, masterKey: Buffer.from(secrets.PII_MASTER_KEY, 'hex'), poolSize: 16 });
    const useCases = new EnrollmentUseCases(testCommandRunner(opened.store), new Facts(opened.store));
    const pool = new Pool({ connectionString: bench.url, max: 2 });
    // Start from a quiet system (no checkpoint moved for a second), so the figures are this
    // phase's lag and not the projectors' backlog from the setup.
    let seen = '';
    let quietSince = performance.now();
    for (const giveUpAt = performance.now() + 120_000; performance.now() - quietSince < 1000 && performance.now() < giveUpAt; await new Promise((r) => setTimeout(r, 100))) {
      const { rows } = await pool.query<{ position: string | null }>(`select position from projection_checkpoints where state = 'live' order by schema_name`);
      const now = rows.map((r) => r.position ?? '').join();
      if (now !== seen) [seen, quietSince] = [now, performance.now()];
    }
    const pending: { position: string; appendedAt: number }[] = [];
    const lags: number[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling || pending.length) {
        const { rows } = await pool.query<{ position: string | null }>(`select position from projection_checkpoints where state = 'live' and projection in ('campaigns', 'enrollments')`);
        const now = performance.now();
        const positions = rows.map((r) => r.position).filter((p): p is string => p !== null);
        if (positions.length === 2) {
          for (let i = pending.length - 1; i >= 0; i--) {
            const item = pending[i] as { position: string; appendedAt: number };
            if (positions.every((p) => opened.store.comparePositions(p, item.position) >= 0)) {
              lags.push(now - item.appendedAt);
              pending.splice(i, 1);
            }
          }
        }
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const lagLeads = only && only !== 'lag' ? [] : leadIds.slice(next, next + RATE * SECONDS);
    const started = performance.now();
    let sent = 0;
    const inflight = new Set<Promise<void>>();
    while (sent < lagLeads.length) {
      const due = Math.floor(((performance.now() - started) / 1000) * RATE);
      while (sent < Math.min(due, lagLeads.length)) {
        const leadId = lagLeads[sent++] as string;
        const task = useCases.enroll({ workspaceId, campaignId: lagCampaign, leadId }).then((r) => {
          if (r.position) pending.push({ position: r.position, appendedAt: performance.now() });
        });
        inflight.add(task);
        void task.finally(() => inflight.delete(task));
      }
      await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all(inflight);
    const achievedRate = Math.round(sent / ((performance.now() - started) / 1000));
    polling = false;
    await poller;
    await pool.end();
    await opened.close();

    const ratio = (r: { requestsPerSecond: number }) => Math.round((r.requestsPerSecond / trivial.requestsPerSecond) * 1000) / 1000;
    const lag = percentiles(lags);
    process.stdout.write(
      `${JSON.stringify(
        {
          benchmark: 'api',
          machine: { cpus: require('node:os').cpus().length, node: process.version },
          connections: CONNECTIONS,
          secondsPerPhase: SECONDS,
          baseline_trivialQuery: trivial,
          enrollLead: { ...enroll, vsTrivial: ratio(enroll) },
          dashboard: { ...dashboard, vsTrivial: ratio(dashboard) },
          projectionLag: { targetRate: RATE, achievedRate, commands: lags.length, latencyMs: lag },
          targets: {
            enrollLeadAtLeast30PercentOfTrivial: ratio(enroll) >= 0.3,
            enrollLeadP99Under50ms: enroll.latencyMs.p99 < 50,
            projectionLagP99Under100msAt500PerSecond: lag.p99 < 100 && achievedRate >= 0.95 * RATE,
          },
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    await bench.done();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
