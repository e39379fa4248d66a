import { OpenedEventStore, openPostgresEventStore } from '@app/event-store';
import { streams } from '@app/events';
import { DB, Enrollments } from '@app/read-store';
import { MINUTE, ProjectionTestBed, SpringCampaign, SpringLead, TEST_MASTER_KEY, projectionTestBed, readModelDb, springCampaign, useTestDatabase, writeMetadata } from '@app/testing';
import { Kysely, Selectable } from 'kysely';
import { enrollmentsProjection } from './enrollments.projection';

const database = useTestDatabase();
let opened: OpenedEventStore;
let db: Kysely<DB>;
let bed: ProjectionTestBed;
let spring: SpringCampaign;
let machineInLate: string;
let machineUnsubscribed: string;

beforeAll(async () => {
  opened = openPostgresEventStore({ connectionString: database.url, masterKey: TEST_MASTER_KEY, pollIntervalMs: 50 });
  db = readModelDb<DB>(database.url);
  spring = await springCampaign(opened.store);
  // The machine lead joins a second campaign, then unsubscribes from everything (no attribution).
  machineInLate = await spring.story.enroll(spring.lateCampaignId, spring.leads.machine);
  machineUnsubscribed = spring.story.advance(MINUTE);
  await spring.story.unsubscribe(spring.leads.machine, { source: 'MANUAL' });
  bed = await projectionTestBed({ db, store: opened.store, projection: enrollmentsProjection });
  await bed.applyTwice();
});

afterAll(async () => {
  await opened.close();
  await db.destroy();
});

const iso = (value: Date | null) => value?.toISOString() ?? null;
/** The row with instants as ISO strings, for readable expectations. */
async function enrollment(enrollmentId: string) {
  const row: Selectable<Enrollments> = await db.selectFrom('enrollments').selectAll().where('enrollmentId', '=', enrollmentId).executeTakeFirstOrThrow();
  return {
    ...row,
    nextDueAt: iso(row.nextDueAt),
    enrolledAt: iso(row.enrolledAt),
    firstSentAt: iso(row.firstSentAt),
    firstOpenedAt: iso(row.firstOpenedAt),
    firstClickedAt: iso(row.firstClickedAt),
    repliedAt: iso(row.repliedAt),
    bouncedAt: iso(row.bouncedAt),
    unsubscribedAt: iso(row.unsubscribedAt),
    finishedAt: iso(row.finishedAt),
  };
}
const of = (name: SpringLead) => enrollment(spring.enrollments[name]);

describe('the enrollments projection, fed a whole campaign twice', () => {
  it('shows a completed enrollment with both emails counted once and the first human open', async () => {
    expect(await of('machine')).toMatchObject({
      campaignId: spring.campaignId,
      leadId: spring.leads.machine,
      sequenceId: spring.sequenceId,
      stepCount: 2,
      status: 'completed',
      stopReason: null,
      currentStep: null,
      nextDueAt: null,
      emailsSent: 2,
      enrolledAt: spring.at.start,
      firstSentAt: spring.at.firstSends,
      // the machine open and the auto-reply of step 1 do not count; a person opened step 2
      firstOpenedAt: spring.at.lateOpen,
      firstClickedAt: null,
      repliedAt: null,
      bouncedAt: null,
      unsubscribedAt: machineUnsubscribed,
      finishedAt: spring.at.resumed,
    });
  });

  it('shows each way an enrollment stops, with its reason and firsts', async () => {
    expect(await of('reader')).toMatchObject({
      status: 'stopped',
      stopReason: 'UNSUBSCRIBED',
      emailsSent: 1,
      firstOpenedAt: spring.at.reactions,
      unsubscribedAt: spring.at.reactions,
      finishedAt: spring.at.resumed,
      currentStep: null,
      nextDueAt: null,
    });
    expect(await of('clicker')).toMatchObject({
      status: 'stopped',
      stopReason: 'REPLIED',
      // a click implies the email was read
      firstOpenedAt: spring.at.reactions,
      firstClickedAt: spring.at.reactions,
      repliedAt: spring.at.reactions,
      finishedAt: spring.at.reactions,
    });
    expect(await of('bouncer')).toMatchObject({ status: 'stopped', stopReason: 'BOUNCED', bouncedAt: spring.at.reactions, finishedAt: spring.at.hardBounce, firstOpenedAt: null });
    expect(await of('failing')).toMatchObject({ status: 'stopped', stopReason: 'SEND_FAILED', emailsSent: 0, firstSentAt: null, finishedAt: spring.at.firstSends });
  });

  it('shows waiting, queued and scheduled enrollments with their step and due time', async () => {
    expect(await enrollment(spring.archivedEnrollment)).toMatchObject({ status: 'waiting', currentStep: null, nextDueAt: null, emailsSent: 0 });
    expect(await enrollment(spring.queuedEnrollment)).toMatchObject({ status: 'active', currentStep: 0, nextDueAt: null, emailsSent: 0 });
    expect(await enrollment(spring.pendingEnrollment)).toMatchObject({ status: 'active', currentStep: 0, nextDueAt: '2025-03-07T13:02:00.000Z' });
  });

  it('marks every enrollment of a lead that unsubscribes, in every campaign', async () => {
    expect(await enrollment(machineInLate)).toMatchObject({ status: 'active', unsubscribedAt: machineUnsubscribed });
    const unsubscribed = await db.selectFrom('enrollments').select('enrollmentId').where('unsubscribedAt', 'is not', null).orderBy('enrollmentId').execute();
    expect(unsubscribed.map((r) => r.enrollmentId)).toEqual([spring.enrollments.machine, spring.enrollments.reader, machineInLate].sort());
  });

  it('warned about nothing: a real history has no odd data', () => {
    expect(bed.logger.warnings()).toEqual([]);
  });

  it('ignores, with a warning, events of an enrollment it never saw', async () => {
    const orphan = '00000000-0000-4000-8000-0000000000f1';
    await opened.store.append(
      streams.enrollment(orphan),
      [{ type: 'EmailBounced', data: { enrollmentId: orphan, campaignId: spring.campaignId, leadId: spring.leads.reader, emailId: orphan, kind: 'HARD', reason: 'x', bouncedAt: spring.at.lateOpen } }],
      'any',
      writeMetadata(),
    );
    await bed.catchUp();
    expect(await db.selectFrom('enrollments').select('enrollmentId').where('enrollmentId', '=', orphan).executeTakeFirst()).toBeUndefined();
    expect(bed.logger.warnings().map((w) => w.message)).toEqual(['event for an unknown enrollment; ignored']);
  });
});
