import { mailboxDecider, fold } from '@app/domain';
import { MailboxEvent, streams } from '@app/events';
import { OpenedEventStore, RecordedEvent } from '@app/event-store';
import { MailboxSecret, Transport, openMailboxSecret } from '@app/mail';
import { WorkOutcome } from '@app/messaging';
import { createKysely, createPool } from '@app/platform';
import { GoogleFake, MicrosoftFake, SequenceStory, SmtpFake, findPart, parseMime, seedSequenceStory, useTestDatabase } from '@app/testing';
import { Kysely, sql } from 'kysely';
import { DeliveryJob } from '../../apps/schedulers/src/delivery/delivery-job';
import { openStore, temporaryOutbox } from '../schedulers/support/schedulers-harness';
import { SEALING_KEY, configureSending, connectMailbox, deliveryWorker, mailboxCommand, queueStep, setProfile, storeSecret, uniqueEmail } from './support/delivery-harness';

const steps = [
  { delay: 'PT0S', subject: 'Quick question, {{firstName}}', body: '<p>Hi {{firstName}}, see <a href="https://example.com/demo">the demo</a>.</p>' },
  { delay: 'PT0S', subject: 'Quick question, {{firstName}}', body: 'Just bumping this up.' },
];

describe('delivering through the workspace’s mailboxes, with the real clients against local fakes', () => {
  const database = useTestDatabase();
  let opened: OpenedEventStore;
  let db: Kysely<unknown>;
  let outbox: Awaited<ReturnType<typeof temporaryOutbox>>;
  let google: GoogleFake;
  let microsoft: MicrosoftFake;
  let smtp: SmtpFake;
  beforeAll(async () => {
    opened = openStore(database, 3);
    db = createKysely<unknown>(createPool(database.url, 6));
    outbox = await temporaryOutbox();
    [google, microsoft, smtp] = await Promise.all([GoogleFake.start(), MicrosoftFake.start(), SmtpFake.start()]);
  });
  afterAll(async () => {
    await Promise.all([google?.close(), microsoft?.close(), smtp?.close()]);
    await db?.destroy();
    await opened?.close();
    await outbox?.remove();
  });

  const providers = () => ({ google: google.settings(), microsoft: microsoft.settings() });
  const worker = (options: { wrap?: (t: Transport) => Transport } = {}) => deliveryWorker({ store: opened.store, db, outboxDir: outbox.dir, providers: providers(), ...options }).worker;
  const deliver = (job: DeliveryJob, attempt = 1, w = worker()): Promise<WorkOutcome> => w.handle({ id: job.emailId, payload: job, attempt });
  const history = (job: DeliveryJob): Promise<RecordedEvent[]> => opened.store.readStream(streams.enrollment(job.enrollmentId));
  const sentEvent = async (job: DeliveryJob) => (await history(job)).find((e) => e.type === 'EmailSent' && e.data.emailId === job.emailId);
  const mailboxState = async (id: string) => fold(mailboxDecider, (await opened.store.readStream(streams.mailbox(id))) as unknown as MailboxEvent[]);

  /** A launched two-step campaign sending from one new mailbox of the given provider. */
  async function campaignWith(provider: 'GMAIL' | 'OUTLOOK' | 'SMTP', address: string, secret: (address: string) => MailboxSecret) {
    const story = await seedSequenceStory(opened.store, { steps, leads: [{ email: uniqueEmail(), firstName: 'Ada', lastName: 'Lovelace' }], launch: 'before-enrolling' });
    await setProfile(story, { companyName: 'Acme Inc.', postalAddress: '1 Main St, Springfield, IL 62701' });
    // No spacing between sends here: the limits have their own tests.
    const limits = { minSpacingSeconds: 0, jitterSeconds: 0 };
    const mailboxId = await connectMailbox(opened.store, db, { workspaceId: story.workspaceId, userId: story.userId, provider, address, displayName: 'Grace Hopper', limits, secret: secret(address) });
    await configureSending(opened.store, story, { mailboxIds: [mailboxId] });
    return { story, mailboxId };
  }
  const gmailGrant = (address: string): MailboxSecret => ({ kind: 'oauth', refreshToken: google.grant(address) });
  const graphGrant = (address: string): MailboxSecret => ({ kind: 'oauth', refreshToken: microsoft.grant(address) });

  describe('from Gmail', () => {
    let story: SequenceStory;
    let mailboxId: string;
    let firstJob: DeliveryJob;
    const address = 'grace.gmail@gmail.test';
    beforeAll(async () => {
      ({ story, mailboxId } = await campaignWith('GMAIL', address, gmailGrant));
    });

    it('sends the first step from the mailbox, with the workspace’s postal footer, and records mailbox, sender and thread', async () => {
      const job = await queueStep(story, 0, 0);
      firstJob = job;
      expect(await deliver(job)).toEqual({ kind: 'done' });
      const [message] = google.sent(address);
      const mime = parseMime(message?.raw ?? '');
      expect(mime.headers.get('From')).toBe(`Grace Hopper <${address}>`);
      expect(mime.headers.get('To')).toBe(`Ada Lovelace <${story.leads[0]?.email}>`);
      expect(mime.headers.get('Message-ID')).toBe(`<${job.emailId}@gmail.test>`);
      expect(mime.headers.get('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      expect(findPart(mime, 'text/plain')?.body).toContain('Acme Inc., 1 Main St, Springfield, IL 62701\nUnsubscribe: https://api.copilot.test/u/');
      expect((await sentEvent(job))?.data).toMatchObject({ transport: 'gmail', providerMessageId: message?.id, threadId: message?.threadId, mailboxId, from: address, messageIdHeader: `<${job.emailId}@gmail.test>` });
      const { rows } = await sql<{ providerMessageId: string; sentAt: Date | null }>`select provider_message_id as "providerMessageId", sent_at as "sentAt" from mailbox_sends where email_id = ${job.emailId}`.execute(db);
      expect(rows[0]).toMatchObject({ providerMessageId: message?.id, sentAt: expect.any(Date) });
    });

    it('threads the follow-up in the first email’s Gmail thread, with In-Reply-To and References', async () => {
      const first = await sentEvent(firstJob);
      const job = await queueStep(story, 0, 1);
      expect(await deliver(job)).toEqual({ kind: 'done' });
      const followUp = google.sent(address).at(-1);
      const call = google.requests.filter((r) => r.path.endsWith('/messages/send')).at(-1);
      const threadId = first?.type === 'EmailSent' ? first.data.threadId : 'missing';
      expect(JSON.parse(call?.body.toString() ?? '{}').threadId).toBe(threadId);
      expect(followUp?.threadId).toBe(threadId);
      const mime = parseMime(followUp?.raw ?? '');
      const firstHeader = first?.type === 'EmailSent' ? first.data.messageIdHeader : 'missing';
      expect(mime.headers.get('In-Reply-To')).toBe(firstHeader);
      expect(mime.headers.get('References')).toBe(firstHeader);
    });

    it('renews the access token before it expires, shared through the sealed row, and reuses a fresh one', async () => {
      const s = await campaignWith('GMAIL', 'renew@gmail.test', (a) => ({ kind: 'oauth', refreshToken: google.grant(a), accessToken: 'about-to-expire', accessTokenExpiresAt: new Date(Date.now() + 2 * 60_000).toISOString() }));
      const since = google.requests.length;
      expect(await deliver(await queueStep(s.story, 0, 0))).toEqual({ kind: 'done' });
      const calls = google.requests.slice(since).map((r) => `${r.method} ${r.path}`);
      // Renewed first (the cached token had two minutes left), then the Message-ID check, then the send.
      expect(calls).toEqual(['POST /token', 'GET /gmail/v1/users/me/messages', 'POST /gmail/v1/users/me/messages/send']);
      const renewed = google.requests.slice(since).find((r) => r.path.endsWith('/send'))?.headers.authorization;
      const { rows } = await sql<{ sealed: Buffer }>`select sealed from mailbox_credentials where mailbox_id = ${s.mailboxId}`.execute(db);
      const secret = openMailboxSecret(SEALING_KEY, s.mailboxId, rows[0]?.sealed ?? Buffer.alloc(0));
      expect(secret.kind === 'oauth' && `Bearer ${secret.accessToken}`).toBe(renewed);
      expect(secret.kind === 'oauth' && Date.parse(secret.accessTokenExpiresAt ?? '')).toBeGreaterThan(Date.now() + 50 * 60_000);

      // The next send (another worker, another process) uses the stored token: no refresh.
      const again = google.requests.length;
      expect(await deliver(await queueStep(s.story, 0, 1))).toEqual({ kind: 'done' });
      expect(google.requests.slice(again).filter((r) => r.path === '/token')).toEqual([]);
    });

    it('disconnects a mailbox whose grant was revoked, holds its email without failing it, and sends it once connected again', async () => {
      const s = await campaignWith('GMAIL', 'revoked@gmail.test', gmailGrant);
      const job = await queueStep(s.story, 0, 0);
      google.revoke('revoked@gmail.test');
      expect(await deliver(job)).toEqual({ kind: 'defer', afterMs: 60_000 });
      expect(await mailboxState(s.mailboxId)).toMatchObject({ status: 'disconnected', reason: 'REVOKED', detail: expect.stringContaining('invalid_grant') });
      const sendsBefore = google.requests.filter((r) => r.path.endsWith('/send')).length;
      expect(await deliver(job)).toEqual({ kind: 'defer', afterMs: 60_000 });
      expect(google.requests.filter((r) => r.path.endsWith('/send')).length).toBe(sendsBefore);
      expect((await history(job)).map((e) => e.type)).not.toContain('EmailFailed');

      await storeSecret(db, { mailboxId: s.mailboxId, workspaceId: s.story.workspaceId, provider: 'GMAIL', secret: gmailGrant('revoked@gmail.test') });
      await mailboxCommand(opened.store, s.story.workspaceId, s.mailboxId, { type: 'ReconnectMailbox', now: new Date().toISOString() });
      expect(await deliver(job)).toEqual({ kind: 'done' });
      expect(google.sent('revoked@gmail.test')).toHaveLength(1);
    });

    it('waits as long as a 429 asks, without spending an attempt, then sends', async () => {
      const s = await campaignWith('GMAIL', 'busy@gmail.test', gmailGrant);
      const job = await queueStep(s.story, 0, 0);
      google.failNext({ method: 'POST', path: /\/messages\/send$/, answer: { status: 429, headers: { 'retry-after': '42' }, body: { error: { code: 429, message: 'User-rate limit exceeded' } } } });
      expect(await deliver(job, 3)).toEqual({ kind: 'defer', afterMs: 42_000 });
      expect((await history(job)).map((e) => e.type)).not.toContain('EmailFailed');
      expect(await deliver(job, 3)).toEqual({ kind: 'done' });
      expect(google.sent('busy@gmail.test')).toHaveLength(1);
    });

    it('never sends twice when the answer was lost after Gmail took the message: the next attempt finds it by Message-ID', async () => {
      const s = await campaignWith('GMAIL', 'lost@gmail.test', gmailGrant);
      const job = await queueStep(s.story, 0, 0);
      const losing = worker({
        wrap: (t) => ({ name: t.name, find: (h, p) => t.find(h, p), send: async (m, j) => (await t.send(m, j), Promise.reject(new Error('socket hang up'))) }),
      });
      expect(await deliver(job, 1, losing)).toEqual({ kind: 'retry', afterMs: 2000 });
      expect(await deliver(job, 2)).toEqual({ kind: 'done' });
      expect(google.sent('lost@gmail.test')).toHaveLength(1);
      expect((await sentEvent(job))?.data).toMatchObject({ providerMessageId: google.sent('lost@gmail.test')[0]?.id });
    });
  });

  describe('from Outlook', () => {
    it('creates the first email from MIME and replies in its conversation for the follow-up', async () => {
      const address = 'grace@outlook.test';
      const { story } = await campaignWith('OUTLOOK', address, graphGrant);
      const first = await queueStep(story, 0, 0);
      expect(await deliver(first)).toEqual({ kind: 'done' });
      const [sentFirst] = microsoft.sent(address);
      expect(parseMime(sentFirst?.raw ?? '').headers.get('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      expect((await sentEvent(first))?.data).toMatchObject({ transport: 'graph', providerMessageId: sentFirst?.id, threadId: sentFirst?.conversationId });

      const followUp = await queueStep(story, 0, 1);
      expect(await deliver(followUp)).toEqual({ kind: 'done' });
      const reply = microsoft.sent(address).at(-1);
      expect(reply).toMatchObject({ replyToId: sentFirst?.id, conversationId: sentFirst?.conversationId, toRecipients: [{ emailAddress: { address: story.leads[0]?.email } }] });
      expect(reply?.body?.content).toContain('1 Main St, Springfield');
    });

    it('resumes a draft created before a crash instead of creating a second message', async () => {
      const address = 'crash@outlook.test';
      const { story } = await campaignWith('OUTLOOK', address, graphGrant);
      const job = await queueStep(story, 0, 0);
      microsoft.failNext({ method: 'POST', path: /\/send$/, answer: { status: 503, body: { error: { code: 'ServiceUnavailable', message: 'down' } } } });
      expect(await deliver(job, 1)).toMatchObject({ kind: 'retry' });
      const { rows } = await sql<{ providerMessageId: string }>`select provider_message_id as "providerMessageId" from mailbox_sends where email_id = ${job.emailId}`.execute(db);
      expect(rows[0]?.providerMessageId).toBe(microsoft.messages(address)[0]?.id);
      expect(await deliver(job, 2)).toEqual({ kind: 'done' });
      expect(microsoft.messages(address)).toHaveLength(1);
      expect(microsoft.sent(address)).toHaveLength(1);
    });
  });

  describe('over SMTP', () => {
    it('sends through the server with the stored login', async () => {
      const { story } = await campaignWith('SMTP', smtp.username, () => ({ kind: 'smtp', ...smtp.settings() }));
      const job = await queueStep(story, 0, 0);
      expect(await deliver(job)).toEqual({ kind: 'done' });
      const received = smtp.received.at(-1);
      expect(received).toMatchObject({ from: smtp.username, to: [story.leads[0]?.email] });
      expect(parseMime(received?.raw ?? '').headers.get('Message-ID')).toBe(`<${job.emailId}@smtp.test>`);
    });

    it('disconnects a mailbox whose login is refused (AUTH_FAILED) and holds its email', async () => {
      const { story, mailboxId } = await campaignWith('SMTP', 'changed@smtp.test', () => ({ kind: 'smtp', ...smtp.settings(), username: 'changed@smtp.test', password: 'old' }));
      const job = await queueStep(story, 0, 0);
      expect(await deliver(job)).toEqual({ kind: 'defer', afterMs: 60_000 });
      expect(await mailboxState(mailboxId)).toMatchObject({ status: 'disconnected', reason: 'AUTH_FAILED' });
    });
  });

  it('keeps the emails of a campaign whose provider is not configured on the schedulers waiting, saying why', async () => {
    const { story } = await campaignWith('GMAIL', 'unconfigured@gmail.test', gmailGrant);
    const job = await queueStep(story, 0, 0);
    const bare = deliveryWorker({ store: opened.store, db, outboxDir: outbox.dir }).worker;
    expect(await deliver(job, 1, bare)).toEqual({ kind: 'defer', afterMs: 60_000 });
    expect(google.sent('unconfigured@gmail.test')).toHaveLength(0);
  });
});
