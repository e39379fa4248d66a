import { stableIds } from '@app/application';
import { streams } from '@app/events';
import { EventStore, OpenedEventStore, RecordedEvent } from '@app/event-store';
import { createKysely, createLogger, createPool } from '@app/platform';
import { GoogleFake, MicrosoftFake, SequenceStory, seedSequenceStory, testCommandRunner, useTestDatabase, waitFor } from '@app/testing';
import { Kysely, sql } from 'kysely';
import { InboxScheduler } from '../../apps/schedulers/src/inbox/inbox.scheduler';
import { openStore, startProjectors, temporaryOutbox } from '../schedulers/support/schedulers-harness';
import { configureSending, connectMailbox, deliveryWorker, queueStep, uniqueEmail } from './support/delivery-harness';

const steps = [
  { delay: 'PT0S', subject: 'Quick question, {{firstName}}', body: 'Hi {{firstName}}, worth a chat?' },
  { delay: 'P3D', subject: 'Quick question, {{firstName}}', body: 'Bumping this.' },
];

/** A reply as a mail client writes it. */
const reply = (input: { from: string; to: string; messageId: string; inReplyTo?: string; subject?: string; headers?: string[]; body?: string }) =>
  [
    `From: ${input.from}`,
    `To: ${input.to}`,
    `Subject: ${input.subject ?? 'Re: Quick question'}`,
    `Message-ID: ${input.messageId}`,
    ...(input.inReplyTo ? [`In-Reply-To: ${input.inReplyTo}`, `References: ${input.inReplyTo}`] : []),
    ...(input.headers ?? []),
    'Content-Type: text/plain; charset=utf-8',
    '',
    input.body ?? 'Sounds interesting, call me Tuesday.\n\nOn Mon, Grace wrote:\n> Hi, worth a chat?',
    '',
  ].join('\r\n');

/** A delivery status notification (RFC 3464) returning one of our messages. */
const dsn = (input: { to: string; recipient: string; status: string; action: string; returned: string; headersOnly?: boolean }) =>
  [
    'From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>',
    `To: ${input.to}`,
    'Subject: Delivery Status Notification (Failure)',
    `Message-ID: <dsn-${Math.random().toString(36).slice(2)}@mx.google.com>`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="report"',
    '',
    '--report',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Your message to ${input.recipient} could not be delivered.`,
    '',
    '--report',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; googlemail.com',
    '',
    `Final-Recipient: rfc822; ${input.recipient}`,
    `Action: ${input.action}`,
    `Status: ${input.status}`,
    `Diagnostic-Code: smtp; ${input.status.startsWith('5') ? '550' : '452'} ${input.status} ${input.status.startsWith('5') ? 'The email account that you tried to reach does not exist' : 'Mailbox full'}`,
    '',
    '--report',
    `Content-Type: ${input.headersOnly ? 'text/rfc822-headers' : 'message/rfc822'}`,
    '',
    `Message-ID: ${input.returned}`,
    `To: ${input.recipient}`,
    'Subject: Quick question',
    '',
    ...(input.headersOnly ? [] : ['Hi, worth a chat?', '']),
    '--report--',
    '',
  ].join('\r\n');

describe('inbox pollers on scripted inboxes', () => {
  const database = useTestDatabase();
  let opened: OpenedEventStore;
  let db: Kysely<unknown>;
  let projectors: Awaited<ReturnType<typeof startProjectors>>;
  let outbox: Awaited<ReturnType<typeof temporaryOutbox>>;
  let google: GoogleFake;
  let microsoft: MicrosoftFake;
  beforeAll(async () => {
    opened = openStore(database, 3);
    db = createKysely<unknown>(createPool(database.url, 6));
    outbox = await temporaryOutbox();
    [google, microsoft] = await Promise.all([GoogleFake.start(), MicrosoftFake.start()]);
    projectors = await startProjectors(database);
  });
  afterAll(async () => {
    await projectors?.stop();
    await Promise.all([google?.close(), microsoft?.close()]);
    await db?.destroy();
    await opened?.close();
    await outbox?.remove();
  });

  const providers = () => ({ google: google.settings(), microsoft: microsoft.settings() });
  const pollers = (store: EventStore) => {
    const { connections, enrollments } = deliveryWorker({ store, db, outboxDir: outbox.dir, providers: providers() });
    return new InboxScheduler(db, connections, enrollments, testCommandRunner(store), { now: () => new Date() }, createLogger({ service: 'inbox-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' }), { inboxPollMs: 1 });
  };
  const history = (story: SequenceStory, i: number): Promise<RecordedEvent[]> => opened.store.readStream(streams.enrollment((story.leads[i] as SequenceStory['leads'][number]).enrollmentId));
  const types = async (story: SequenceStory, i: number) => (await history(story, i)).map((e) => e.type);

  /** A launched campaign whose first emails went out from a new mailbox, and their EmailSent facts. */
  async function sentCampaign(provider: 'GMAIL' | 'OUTLOOK', address: string, leads: number) {
    const story = await seedSequenceStory(opened.store, { steps, leads: Array.from({ length: leads }, (_, i) => ({ email: uniqueEmail(`lead${i}`), firstName: `Lead${i}` })), launch: 'before-enrolling' });
    const refreshToken = provider === 'GMAIL' ? google.grant(address) : microsoft.grant(address);
    const mailboxId = await connectMailbox(opened.store, db, {
      workspaceId: story.workspaceId,
      userId: story.userId,
      provider,
      address,
      limits: { minSpacingSeconds: 0, jitterSeconds: 0 },
      secret: { kind: 'oauth', refreshToken },
    });
    await configureSending(opened.store, story, { mailboxIds: [mailboxId] });
    const { worker } = deliveryWorker({ store: opened.store, db, outboxDir: outbox.dir, providers: providers() });
    const sent: { messageIdHeader: string; threadId: string; to: string }[] = [];
    for (let i = 0; i < leads; i++) {
      const job = await queueStep(story, i, 0);
      expect(await worker.handle({ id: job.emailId, payload: job, attempt: 1 })).toEqual({ kind: 'done' });
      const event = (await history(story, i)).find((e) => e.type === 'EmailSent');
      if (event?.type !== 'EmailSent') throw new Error('not sent');
      sent.push({ messageIdHeader: event.data.messageIdHeader ?? '', threadId: event.data.threadId ?? '', to: (story.leads[i] as SequenceStory['leads'][number]).email });
    }
    // The pollers find our emails in the emails read model, and the mailboxes in theirs.
    await waitFor(async () => {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from emails where workspace_id = ${story.workspaceId} and message_id_header is not null`.execute(db);
      const { rows: boxes } = await sql<{ n: number }>`select count(*)::int as n from mailboxes where mailbox_id = ${mailboxId}`.execute(db);
      return rows[0]?.n === leads && boxes[0]?.n === 1;
    });
    return { story, mailboxId, sent };
  }

  const cursorOf = async (mailboxId: string) => (await sql<{ cursor: string | null }>`select cursor from mailbox_inbox_cursors where mailbox_id = ${mailboxId}`.execute(db)).rows[0]?.cursor ?? null;

  it('reads a Gmail inbox from its history id: replies stop the sequence, auto-replies do not, bounces are hard or soft, the rest is ignored', async () => {
    const address = 'grace@gmail.test';
    const { story, mailboxId, sent } = await sentCampaign('GMAIL', address, 6);
    const inbox = pollers(opened.store);
    await inbox.tick();
    const start = await cursorOf(mailboxId);
    expect(start).toBe(String(google.historyIdOf(address)));

    const [human, auto, hard, soft, threadOnly] = sent as [(typeof sent)[0], (typeof sent)[0], (typeof sent)[0], (typeof sent)[0], (typeof sent)[0]];
    const humanReply = reply({ from: human.to, to: address, messageId: '<reply-1@example.com>', inReplyTo: human.messageIdHeader });
    google.deliver(address, humanReply, human.threadId);
    google.deliver(address, reply({ from: auto.to, to: address, messageId: '<ooo-1@example.com>', inReplyTo: auto.messageIdHeader, subject: 'Automatic reply: Quick question', headers: ['Auto-Submitted: auto-replied', 'X-Autoreply: yes'], body: 'I am out of the office until Monday.' }), auto.threadId);
    google.deliver(address, dsn({ to: address, recipient: hard.to, status: '5.1.1', action: 'failed', returned: hard.messageIdHeader }), hard.threadId);
    google.deliver(address, dsn({ to: address, recipient: soft.to, status: '4.2.2', action: 'delayed', returned: soft.messageIdHeader, headersOnly: true }));
    google.deliver(address, reply({ from: threadOnly.to, to: address, messageId: '<reply-thread@example.com>', body: 'Yes, let us talk.' }), threadOnly.threadId);
    google.deliver(address, reply({ from: 'news@shop.example', to: address, messageId: '<news-1@shop.example>', subject: 'Spring sale', body: 'Everything must go' }));
    // The same reply found again (another label change, a second copy): one reply.
    google.deliver(address, humanReply, human.threadId);

    const results = await inbox.tick();
    expect(results.get(mailboxId)).toEqual({ read: 7, replies: 2, autoReplies: 1, bounces: 2, ignored: 1, duplicates: 1 });

    const replied = await history(story, 0);
    expect(replied.filter((e) => e.type === 'ReplyReceived').map((e) => e.data)).toEqual([
      expect.objectContaining({ kind: 'HUMAN', replyMessageId: '<reply-1@example.com>', snippet: 'Sounds interesting, call me Tuesday.' }),
    ]);
    expect(replied.find((e) => e.type === 'EnrollmentStopped')?.data).toMatchObject({ reason: 'REPLIED' });

    const autoReplied = await history(story, 1);
    expect(autoReplied.find((e) => e.type === 'ReplyReceived')?.data).toMatchObject({ kind: 'AUTO_REPLY' });
    expect(autoReplied.map((e) => e.type)).not.toContain('EnrollmentStopped');

    expect((await history(story, 2)).filter((e) => e.type === 'EmailBounced' || e.type === 'EnrollmentStopped').map((e) => e.data)).toEqual([
      expect.objectContaining({ kind: 'HARD', reason: expect.stringContaining('5.1.1') }),
      expect.objectContaining({ reason: 'BOUNCED' }),
    ]);
    const softly = await history(story, 3);
    expect(softly.find((e) => e.type === 'EmailBounced')?.data).toMatchObject({ kind: 'SOFT', reason: expect.stringContaining('4.2.2') });
    expect(softly.map((e) => e.type)).not.toContain('EnrollmentStopped');
    expect((await history(story, 4)).find((e) => e.type === 'ReplyReceived')?.data).toMatchObject({ kind: 'HUMAN', replyMessageId: '<reply-thread@example.com>' });
    expect(await types(story, 5)).not.toContain('ReplyReceived');

    expect(await cursorOf(mailboxId)).toBe(String(google.historyIdOf(address)));
    // Read again from an older cursor (a crash before the cursor moved): nothing is recorded twice.
    await sql`update mailbox_inbox_cursors set cursor = ${start} where mailbox_id = ${mailboxId}`.execute(db);
    expect((await inbox.tick()).get(mailboxId)).toEqual({ read: 7, replies: 0, autoReplies: 0, bounces: 0, ignored: 1, duplicates: 6 });
    expect((await types(story, 0)).filter((t) => t === 'ReplyReceived')).toHaveLength(1);
    expect((await types(story, 2)).filter((t) => t === 'EmailBounced')).toHaveLength(1);
  });

  it('reads an Outlook inbox with delta queries, following the deltaLink', async () => {
    const address = 'grace@outlook.test';
    const { story, mailboxId, sent } = await sentCampaign('OUTLOOK', address, 2);
    const inbox = pollers(opened.store);
    await inbox.tick();
    expect(await cursorOf(mailboxId)).toMatch(/\$deltatoken=/);
    const [first, second] = sent as [(typeof sent)[0], (typeof sent)[0]];
    microsoft.deliver(address, reply({ from: first.to, to: address, messageId: '<graph-reply@example.com>', inReplyTo: first.messageIdHeader }));
    microsoft.deliver(address, reply({ from: second.to, to: address, messageId: '<graph-ooo@example.com>', inReplyTo: second.messageIdHeader, headers: ['Auto-Submitted: auto-generated', 'X-Auto-Response-Suppress: All'], subject: 'Automatic reply: Quick question' }));
    expect((await inbox.tick()).get(mailboxId)).toEqual({ read: 2, replies: 1, autoReplies: 1, bounces: 0, ignored: 0, duplicates: 0 });
    expect((await history(story, 0)).find((e) => e.type === 'ReplyReceived')?.data).toMatchObject({ kind: 'HUMAN', replyMessageId: '<graph-reply@example.com>' });
    expect((await history(story, 1)).find((e) => e.type === 'ReplyReceived')?.data).toMatchObject({ kind: 'AUTO_REPLY' });
  });

  it('disconnects a mailbox whose grant was revoked, and stops reading it', async () => {
    const address = 'gone@gmail.test';
    const { story, mailboxId } = await sentCampaign('GMAIL', address, 1);
    const inbox = pollers(opened.store);
    await inbox.tick();
    google.revoke(address);
    // Its cached token is still good for an hour: the provider refusing it (401) forces a refresh, which fails.
    google.failNext({ path: /\/history$/, answer: { status: 401, body: { error: { code: 401, message: 'Invalid Credentials' } } } });
    await inbox.tick();
    const events = await opened.store.readStream(streams.mailbox(mailboxId));
    expect(events.map((e) => e.type)).toEqual(['MailboxConnected', 'MailboxDisconnected']);
    expect(events[1]?.data).toMatchObject({ reason: 'REVOKED' });
    expect(stableIds.mailbox(story.workspaceId, address)).toBe(mailboxId);
  });
});
