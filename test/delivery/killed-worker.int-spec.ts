import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { streams } from '@app/events';
import { OpenedEventStore } from '@app/event-store';
import { NatsConnection, NatsWorkQueue, connectNats } from '@app/messaging';
import { createKysely, createPool } from '@app/platform';
import { GoogleFake, rawHeader, seedSequenceStory, useTestDatabase, waitFor } from '@app/testing';
import { Kysely } from 'kysely';
import { DeliveryJob } from '../../apps/schedulers/src/delivery/delivery-job';
import { NATS_URL, deleteStream, openStore, temporaryOutbox, testDeliveryQueue } from '../schedulers/support/schedulers-harness';
import { configureSending, connectMailbox, deliveryWorker, queueStep, uniqueEmail } from './support/delivery-harness';

const EMAILS = 6;

describe('delivery workers on JetStream when one is killed mid-send', () => {
  const database = useTestDatabase();
  const names = testDeliveryQueue();
  let opened: OpenedEventStore;
  let db: Kysely<unknown>;
  let google: GoogleFake;
  let outbox: Awaited<ReturnType<typeof temporaryOutbox>>;
  let child: ChildProcess | null = null;
  let nc: NatsConnection | null = null;
  beforeAll(async () => {
    opened = openStore(database, 3);
    db = createKysely<unknown>(createPool(database.url, 8));
    google = await GoogleFake.start();
    outbox = await temporaryOutbox();
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await nc?.close();
    await deleteStream(names.stream);
    await google?.close();
    await db?.destroy();
    await opened?.close();
    await outbox?.remove();
  });

  it('sends every email exactly once through Gmail: the survivor finds what the dead worker sent and records it', async () => {
    const address = 'grace@gmail.test';
    const story = await seedSequenceStory(opened.store, { steps: [{ delay: 'PT0S', subject: 'Hi {{firstName}}', body: 'Hello {{firstName}}' }], leads: Array.from({ length: EMAILS }, (_, i) => ({ email: uniqueEmail(`lead${i}`), firstName: `Lead${i}` })), launch: 'before-enrolling' });
    const mailboxId = await connectMailbox(opened.store, db, {
      workspaceId: story.workspaceId,
      userId: story.userId,
      provider: 'GMAIL',
      address,
      limits: { minSpacingSeconds: 0, jitterSeconds: 0 },
      secret: { kind: 'oauth', refreshToken: google.grant(address) },
    });
    await configureSending(opened.store, story, { mailboxIds: [mailboxId] });
    const jobs: DeliveryJob[] = [];
    for (let i = 0; i < EMAILS; i++) jobs.push(await queueStep(story, i, 0));

    const ackWaitMs = 1500;
    child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'support', 'gmail-worker.process.ts')], {
      cwd: join(__dirname, '..', '..'),
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        OUTBOX_DIR: outbox.dir,
        NATS_URL,
        STREAM: names.stream,
        SUBJECT: names.subject,
        CONSUMER: names.consumer,
        ACK_WAIT_MS: String(ackWaitMs),
        GOOGLE_FAKE_URL: google.url,
        GOOGLE_CLIENT_ID: google.clientId,
        GOOGLE_CLIENT_SECRET: google.clientSecret,
        KILL_AT: '3',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child?.on('exit', (_code, signal) => resolve(signal)));
    await waitFor(() => output.includes('READY'), { timeoutMs: 30_000, message: 'the worker process started' });

    nc = await connectNats({ servers: NATS_URL });
    const queue = new NatsWorkQueue<DeliveryJob>(nc, { ...names, settings: { maxAttempts: 8, ackWaitMs }, storage: 'memory' });
    for (const job of jobs) expect(await queue.publish(job.emailId, job)).toEqual({ duplicate: false });
    // Publishing the same email again (a reactor batch handled twice) is dropped by JetStream.
    expect(await queue.publish(jobs[0]?.emailId ?? '', jobs[0] as DeliveryJob)).toEqual({ duplicate: true });
    expect(await exited).toBe('SIGKILL');
    const sentByTheDead = [...output.matchAll(/^SENT (\S+)$/gm)].map((m) => m[1]);
    expect(sentByTheDead).toHaveLength(3);

    // The survivor takes the rest, and the messages the dead worker never acknowledged.
    const survivor = deliveryWorker({ store: opened.store, db, outboxDir: outbox.dir, providers: { google: google.settings(), microsoft: null } }).worker;
    const consumer = queue.consume(survivor.handle, { concurrency: 2 });
    const sentEvents = async () => {
      const all = await Promise.all(jobs.map((job) => opened.store.readStream(streams.enrollment(job.enrollmentId))));
      return all.flat().filter((e) => e.type === 'EmailSent');
    };
    try {
      await waitFor(async () => (await sentEvents()).length === EMAILS, { timeoutMs: 30_000, message: 'every email recorded as sent' });
    } finally {
      await consumer.stop();
    }

    const received = google.sent(address).map((m) => rawHeader(m.raw, 'Message-ID'));
    expect(received).toHaveLength(EMAILS);
    expect(new Set(received)).toEqual(new Set(jobs.map((j) => `<${j.emailId}@gmail.test>`)));
    const recorded = await sentEvents();
    expect(recorded).toHaveLength(EMAILS);
    expect(new Set(recorded.map((e) => e.type === 'EmailSent' && e.data.providerMessageId))).toEqual(new Set(google.sent(address).map((m) => m.id)));
    const info = await (await nc.jetstreamManager()).streams.info(names.stream);
    expect(info.state.messages).toBe(0);
  }, 90_000);
});
