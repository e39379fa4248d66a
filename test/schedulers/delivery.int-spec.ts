import { ChildProcess, spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { EnrollmentUseCases, Facts, stableIds } from '@app/application';
import { leadDecider } from '@app/domain';
import { streams } from '@app/events';
import { OpenedEventStore, RecordedEvent } from '@app/event-store';
import { LocalOutboxTransport, OutgoingEmail, SentReceipt, Transport, TransportError } from '@app/mail';
import { NatsConnection, NatsWorkQueue, WorkOutcome, connectNats } from '@app/messaging';
import { CommandExecutor, MetricsService, createKysely, createLogger, createPool, systemClock } from '@app/platform';
import { TEST_MASTER_KEY, SequenceStory, findPart, parseMime, seedSequenceStory, useTestDatabase, waitFor } from '@app/testing';
import { verifyTrackingToken } from '@app/tracking';
import { Kysely } from 'kysely';
import { DeliveryJob } from '../../apps/schedulers/src/delivery/delivery-job';
import { DeliveryWorker } from '../../apps/schedulers/src/delivery/delivery.worker';
import { NATS_URL, PUBLIC_URL, TRACKING_SECRET, deleteStream, openStore, outboxMessages, temporaryOutbox, testDeliveryQueue } from './support/schedulers-harness';

const steps = [
  {
    delay: 'PT0S',
    subject: 'Quick question, {{firstName}}',
    body: '<p>Hi {{firstName}}, see <a href="https://example.com/demo">the demo</a> and <a href="https://example.com/pricing?plan=pro&amp;seats=5">pricing</a>.</p>',
  },
  { delay: 'PT0S', subject: 'Re: Quick question, {{firstName}}', body: 'Just bumping this up.' },
];

/** The outbox, counting what the worker asks of it. */
class CountingOutbox implements Transport {
  readonly name = 'outbox';
  sends = 0;
  finds = 0;
  failWith: Error | null = null;
  constructor(readonly outbox: LocalOutboxTransport) {}
  async send(message: OutgoingEmail): Promise<SentReceipt> {
    this.sends++;
    if (this.failWith) throw this.failWith;
    return this.outbox.send(message);
  }
  async find(header: string): Promise<SentReceipt | null> {
    this.finds++;
    return this.outbox.find(header);
  }
}

describe('delivering queued emails', () => {
  let opened: OpenedEventStore;
  let db: Kysely<unknown>;
  let outbox: Awaited<ReturnType<typeof temporaryOutbox>>;
  afterAll(async () => {
    await db?.destroy();
    await opened?.close();
    await outbox?.remove();
  });
  const database = useTestDatabase();

  let transport: CountingOutbox;
  let worker: DeliveryWorker;
  let enrollments: EnrollmentUseCases;

  beforeAll(async () => {
    opened = openStore(database);
    db = createKysely<unknown>(createPool(database.url, 4));
    outbox = await temporaryOutbox();
    enrollments = new EnrollmentUseCases(new CommandExecutor(opened.store, systemClock, new MetricsService()), new Facts(opened.store));
  });
  beforeEach(() => {
    transport = new CountingOutbox(new LocalOutboxTransport(outbox.dir));
    worker = new DeliveryWorker({
      store: opened.store,
      facts: new Facts(opened.store),
      enrollments,
      db,
      transport,
      clock: systemClock,
      logger: createLogger({ service: 'delivery-test', level: 'silent' }),
      settings: { publicUrl: PUBLIC_URL, trackingSecret: TRACKING_SECRET, deliveryMaxAttempts: 3 },
    });
  });

  const story = (launch: 'before-enrolling' = 'before-enrolling') =>
    seedSequenceStory(opened.store, { steps, leads: [{ email: `ada.${Date.now()}.${Math.random().toString(36).slice(2)}@example.com`, firstName: 'Ada', lastName: 'Lovelace' }], launch });

  /** Fires a step as the timer would and returns its delivery job. */
  async function queue(s: SequenceStory, stepIndex: number): Promise<DeliveryJob> {
    const enrollmentId = (s.leads[0] as SequenceStory['leads'][number]).enrollmentId;
    await enrollments.fireStep({ workspaceId: s.workspaceId, enrollmentId, stepIndex, manual: false, actorId: 'system:scheduler' });
    return { workspaceId: s.workspaceId, enrollmentId, emailId: stableIds.email(enrollmentId, stepIndex) };
  }
  const deliver = (job: DeliveryJob, attempt = 1): Promise<WorkOutcome> => worker.handle({ id: job.emailId, payload: job, attempt });
  const history = async (job: DeliveryJob): Promise<RecordedEvent[]> => opened.store.readStream(streams.enrollment(job.enrollmentId));
  const types = async (job: DeliveryJob) => (await history(job)).map((e) => e.type);
  const message = async (emailId: string) => {
    const raw = (await outboxMessages(outbox.dir)).get(emailId);
    if (!raw) throw new Error(`no ${emailId}.eml in the outbox`);
    return parseMime(raw);
  };

  it('sends the first step as MIME: sender, recipient, our Message-ID, tracked links, pixel and one-click unsubscribe', async () => {
    const s = await story();
    const job = await queue(s, 0);
    expect(await deliver(job)).toEqual({ kind: 'done' });

    const mail = await message(job.emailId);
    expect(mail.headers.get('From')).toBe('Grace Hopper <grace@acme.test>');
    expect(mail.headers.get('To')).toBe(`Ada Lovelace <${s.leads[0]?.email}>`);
    expect(mail.headers.get('Subject')).toBe('Quick question, Ada');
    expect(mail.headers.get('Message-ID')).toBe(`<${job.emailId}@acme.test>`);
    expect(mail.headers.get('In-Reply-To')).toBeUndefined();
    expect(mail.headers.get('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    const unsubscribe = /^<(https:\/\/api\.copilot\.test\/u\/([A-Za-z0-9_-]+))>$/.exec(mail.headers.get('List-Unsubscribe') ?? '');
    expect(unsubscribe).not.toBeNull();
    expect(verifyTrackingToken(TRACKING_SECRET, unsubscribe?.[2] ?? '')).toEqual({ kind: 'u', emailId: job.emailId });

    const html = findPart(mail, 'text/html')?.body ?? '';
    const clicks = [...html.matchAll(/href="https:\/\/api\.copilot\.test\/t\/c\/([A-Za-z0-9_-]+)"/g)].map((m) => verifyTrackingToken(TRACKING_SECRET, m[1] as string));
    expect(clicks).toEqual([
      { kind: 'c', emailId: job.emailId, linkIndex: 0 },
      { kind: 'c', emailId: job.emailId, linkIndex: 1 },
    ]);
    expect(html).not.toContain('https://example.com/');
    const pixel = /<img src="https:\/\/api\.copilot\.test\/t\/o\/([A-Za-z0-9_-]+)\.gif" width="1" height="1"/.exec(html);
    expect(verifyTrackingToken(TRACKING_SECRET, pixel?.[1] ?? '')).toEqual({ kind: 'o', emailId: job.emailId });
    expect(findPart(mail, 'text/plain')?.body).toContain('https://example.com/demo');

    const sent = (await history(job)).find((e) => e.type === 'EmailSent');
    expect(sent?.data).toMatchObject({ emailId: job.emailId, transport: 'outbox', providerMessageId: `outbox:${job.emailId}`, messageIdHeader: `<${job.emailId}@acme.test>` });
    expect(sent?.metadata.actorId).toBe('system:delivery');
  });

  it('threads the second step under the first with In-Reply-To and References', async () => {
    const s = await story();
    const first = await queue(s, 0);
    await deliver(first);
    const second = await queue(s, 1);
    expect(await deliver(second)).toEqual({ kind: 'done' });
    const mail = await message(second.emailId);
    expect(mail.headers.get('Subject')).toBe('Re: Quick question, Ada');
    expect(mail.headers.get('In-Reply-To')).toBe(`<${first.emailId}@acme.test>`);
    expect(mail.headers.get('References')).toBe(`<${first.emailId}@acme.test>`);
    expect(await types(second)).toContain('EnrollmentCompleted');
  });

  it('acknowledges a second delivery of a sent email without sending it again', async () => {
    const s = await story();
    const job = await queue(s, 0);
    await deliver(job);
    const sends = transport.sends;
    expect(await deliver(job)).toEqual({ kind: 'done' });
    expect(transport.sends).toBe(sends);
    expect((await types(job)).filter((t) => t === 'EmailSent')).toHaveLength(1);
  });

  it('records, without sending again, an email the provider took just before the connection to it broke', async () => {
    const s = await story();
    const job = await queue(s, 0);
    // The provider accepts the message, then the answer is lost: to the worker it failed.
    const outboxSend = transport.send.bind(transport);
    transport.send = async (message) => {
      await outboxSend(message);
      throw new Error('socket hang up');
    };
    expect(await deliver(job, 1)).toEqual({ kind: 'retry', afterMs: 2000 });
    expect(await types(job)).not.toContain('EmailSent');

    // The retry asks the transport first, finds the message, and only records it.
    transport.send = outboxSend;
    const sends = transport.sends;
    expect(await deliver(job, 2)).toEqual({ kind: 'done' });
    expect(transport.sends).toBe(sends);
    expect((await types(job)).filter((t) => t === 'EmailSent')).toHaveLength(1);
    expect((await readdir(outbox.dir)).filter((f) => f.startsWith(job.emailId))).toEqual([`${job.emailId}.eml`]);
  });

  it('holds a queued email while its campaign is paused, without spending an attempt, and sends it after the resume', async () => {
    const s = await story();
    const job = await queue(s, 0);
    await s.campaign('PauseCampaign');
    expect(await deliver(job)).toEqual({ kind: 'defer', afterMs: 30_000 });
    expect(transport.sends).toBe(0);
    await s.campaign('ResumeCampaign');
    expect(await deliver(job)).toEqual({ kind: 'done' });
    expect(transport.sends).toBe(1);
  });

  it('does not email a lead who unsubscribed after the step fell due, and stops the enrollment as UNSUBSCRIBED', async () => {
    const s = await story();
    const job = await queue(s, 0);
    const lead = s.leads[0] as SequenceStory['leads'][number];
    await s.runner.execute({
      name: 'UnsubscribeLead',
      streamId: streams.lead(lead.leadId),
      decider: leadDecider,
      tenantId: s.workspaceId,
      actorId: 'test',
      command: { type: 'UnsubscribeLead', source: 'LINK', now: new Date().toISOString() },
    });
    expect(await deliver(job)).toEqual({ kind: 'done' });
    expect(transport.sends).toBe(0);
    const events = await history(job);
    expect(events.filter((e) => e.type === 'EnrollmentStopped').map((e) => e.type === 'EnrollmentStopped' && e.data.reason)).toEqual(['UNSUBSCRIBED']);
    expect(events.find((e) => e.type === 'EmailFailed')?.data).toMatchObject({ emailId: job.emailId, permanent: true, reason: 'not sent: the lead is unsubscribed' });
  });

  it('retries a transient transport failure and records EmailFailed at the last attempt', async () => {
    const s = await story();
    const job = await queue(s, 0);
    transport.failWith = new Error('ECONNRESET');
    expect(await deliver(job, 1)).toEqual({ kind: 'retry', afterMs: 2000 });
    transport.failWith = new TransportError('421 try again later', false, 60_000);
    expect(await deliver(job, 2)).toEqual({ kind: 'retry', afterMs: 60_000 });
    expect(await types(job)).not.toContain('EmailFailed');
    transport.failWith = new Error('ECONNRESET');
    expect(await deliver(job, 3)).toEqual({ kind: 'done' });
    const events = await history(job);
    expect(events.find((e) => e.type === 'EmailFailed')?.data).toMatchObject({ permanent: true, attempts: 3, reason: 'gave up after 3 attempts: ECONNRESET' });
    expect(events.find((e) => e.type === 'EnrollmentStopped')?.data).toMatchObject({ reason: 'SEND_FAILED' });
  });

  it('records a permanent transport failure at once', async () => {
    const s = await story();
    const job = await queue(s, 0);
    transport.failWith = new TransportError('550 5.1.1 no such user', true);
    expect(await deliver(job, 1)).toEqual({ kind: 'done' });
    expect((await history(job)).find((e) => e.type === 'EmailFailed')?.data).toMatchObject({ permanent: true, attempts: 1, reason: '550 5.1.1 no such user' });
  });

  describe('a worker process killed between the provider call and the ack', () => {
    const names = testDeliveryQueue();
    let child: ChildProcess | null = null;
    let nc: NatsConnection | null = null;
    afterAll(async () => {
      child?.kill('SIGKILL');
      await nc?.close();
      await deleteStream(names.stream);
    });

    it('never sends the email twice: the next worker finds it in the outbox and records it', async () => {
      const s = await story();
      const job = await queue(s, 0);
      const ackWaitMs = 1500;
      child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'support', 'delivery-worker.process.ts')], {
        cwd: join(__dirname, '..', '..'),
        env: {
          ...process.env,
          DATABASE_URL: database.url,
          MASTER_KEY_HEX: TEST_MASTER_KEY.toString('hex'),
          OUTBOX_DIR: outbox.dir,
          NATS_URL,
          ...{ STREAM: names.stream, SUBJECT: names.subject, CONSUMER: names.consumer },
          ACK_WAIT_MS: String(ackWaitMs),
          PUBLIC_URL,
          TRACKING_SECRET,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child?.on('exit', (_code, signal) => resolve(signal)));
      await waitFor(() => output.includes('READY'), { timeoutMs: 20_000, message: 'the worker process started' });

      nc = await connectNats({ servers: NATS_URL });
      const queueHandle = new NatsWorkQueue<DeliveryJob>(nc, { ...names, settings: { maxAttempts: 5, ackWaitMs }, storage: 'memory' });
      await queueHandle.publish(job.emailId, job);
      expect(await exited).toBe('SIGKILL');
      expect(output).toContain(`SENT ${job.emailId}`);
      expect(await types(job)).not.toContain('EmailSent');

      // A surviving worker gets the unacknowledged message after the ack wait.
      const consumer = queueHandle.consume(worker.handle, { concurrency: 1 });
      try {
        await waitFor(async () => (await types(job)).includes('EmailSent'), { timeoutMs: 15_000, message: 'the survivor recorded the send' });
      } finally {
        await consumer.stop();
      }
      expect(transport.sends).toBe(0);
      expect((await types(job)).filter((t) => t === 'EmailSent')).toHaveLength(1);
      expect((await readdir(outbox.dir)).filter((f) => f.startsWith(job.emailId))).toEqual([`${job.emailId}.eml`]);
      const info = await (await nc.jetstreamManager()).streams.info(names.stream);
      expect(info.state.messages).toBe(0);
    });
  });
});
