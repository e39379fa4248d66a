import { OpenedEventStore, openPostgresEventStore } from '@app/event-store';
import { DB, Emails } from '@app/read-store';
import { MINUTE, ProjectionTestBed, SpringCampaign, SpringLead, TEST_MASTER_KEY, projectionTestBed, readModelDb, springCampaign, useTestDatabase } from '@app/testing';
import { Kysely, Selectable } from 'kysely';
import { emailsProjection } from './emails.projection';

const database = useTestDatabase();
let opened: OpenedEventStore;
let db: Kysely<DB>;
let bed: ProjectionTestBed;
let spring: SpringCampaign;
let softBounce: string;

beforeAll(async () => {
  opened = openPostgresEventStore({ connectionString: database.url, masterKey: TEST_MASTER_KEY, pollIntervalMs: 50 });
  db = readModelDb<DB>(database.url);
  spring = await springCampaign(opened.store);
  softBounce = spring.story.advance(MINUTE);
  await spring.story.bounce(spring.story.emailOf(spring.enrollments.machine, 1), 'SOFT');
  bed = await projectionTestBed({ db, store: opened.store, projection: emailsProjection });
  await bed.applyTwice();
});

afterAll(async () => {
  await opened.close();
  await db.destroy();
});

const iso = (value: Date | null) => value?.toISOString() ?? null;
async function email(emailId: string) {
  const row: Selectable<Emails> = await db.selectFrom('emails').selectAll().where('emailId', '=', emailId).executeTakeFirstOrThrow();
  return {
    ...row,
    queuedAt: iso(row.queuedAt),
    sentAt: iso(row.sentAt),
    failedAt: iso(row.failedAt),
    firstOpenedAt: iso(row.firstOpenedAt),
    firstClickedAt: iso(row.firstClickedAt),
    repliedAt: iso(row.repliedAt),
    bouncedAt: iso(row.bouncedAt),
  };
}
const emailOf = (name: SpringLead, step: number) => spring.story.emailOf(spring.enrollments[name], step);

describe('the emails projection, fed a whole campaign twice', () => {
  it('keeps one row per queued email with its content and tracking links', async () => {
    expect(await db.selectFrom('emails').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).toEqual({ n: '7' });
    const first = await email(emailOf('machine', 0));
    expect(first).toMatchObject({
      enrollmentId: spring.enrollments.machine,
      campaignId: spring.campaignId,
      leadId: spring.leads.machine,
      stepIndex: 0,
      variant: 'A',
      templateId: spring.templateId,
      templateRevision: 0,
      toAddress: 'machine.spring@example.com',
      subject: 'Hello Machine',
      threadOfEmailId: null,
      links: [
        { index: 0, url: 'https://example.com/demo' },
        { index: 1, url: 'https://example.com/pricing' },
      ],
      queuedAt: spring.at.firstSends,
    });
    expect(first.bodyText).toContain('Hi Machine,');
    expect(first.bodyHtml).toContain('<a href="https://example.com/demo">');
    expect(await email(emailOf('machine', 1))).toMatchObject({ stepIndex: 1, threadOfEmailId: emailOf('machine', 0), queuedAt: spring.at.resumed });
  });

  it('records delivery: sent with the provider ids, failed with the reason, or still queued', async () => {
    expect(await email(emailOf('machine', 0))).toMatchObject({
      status: 'sent',
      sentAt: spring.at.firstSends,
      transport: 'outbox',
      providerMessageId: `outbox-${emailOf('machine', 0)}`,
      messageIdHeader: `<${emailOf('machine', 0)}@copilot.test>`,
      failedAt: null,
    });
    expect(await email(emailOf('failing', 0))).toMatchObject({ status: 'failed', sentAt: null, failedAt: spring.at.firstSends, failureReason: 'mailbox refused the message' });
    expect(await email(spring.story.emailOf(spring.queuedEnrollment, 0))).toMatchObject({ status: 'queued', sentAt: null, failedAt: null });
  });

  it('counts human and machine opens apart; the first open is the first human one', async () => {
    expect(await email(emailOf('machine', 0))).toMatchObject({ openCount: 0, machineOpenCount: 1, firstOpenedAt: null, repliedAt: null });
    expect(await email(emailOf('reader', 0))).toMatchObject({ openCount: 2, machineOpenCount: 0, firstOpenedAt: spring.at.reactions });
    expect(await email(emailOf('machine', 1))).toMatchObject({ openCount: 1, firstOpenedAt: spring.at.lateOpen });
  });

  it('counts clicks and a human reply, which imply an open', async () => {
    expect(await email(emailOf('clicker', 0))).toMatchObject({
      openCount: 0,
      clickCount: 1,
      firstClickedAt: spring.at.reactions,
      firstOpenedAt: spring.at.reactions,
      repliedAt: spring.at.reactions,
    });
  });

  it('keeps the first bounce time and upgrades a SOFT bounce to HARD', async () => {
    expect(await email(emailOf('bouncer', 0))).toMatchObject({ bouncedAt: spring.at.reactions, bounceKind: 'HARD' });
    expect(await email(emailOf('machine', 1))).toMatchObject({ bouncedAt: softBounce, bounceKind: 'SOFT' });
    expect(await email(emailOf('reader', 0))).toMatchObject({ bouncedAt: null, bounceKind: null });
  });

  it('warned about nothing: a real history has no odd data', () => {
    expect(bed.logger.warnings()).toEqual([]);
  });
});
