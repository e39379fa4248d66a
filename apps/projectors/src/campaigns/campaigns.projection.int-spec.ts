import { OpenedEventStore, openPostgresEventStore } from '@app/event-store';
import { streams } from '@app/events';
import { DB } from '@app/read-store';
import { HOUR, ProjectionTestBed, SpringCampaign, SpringLead, Story, TEST_MASTER_KEY, projectionTestBed, readModelDb, springCampaign, useTestDatabase, writeMetadata } from '@app/testing';
import { Kysely } from 'kysely';
import { campaignsProjection } from './campaigns.projection';

const database = useTestDatabase();
let opened: OpenedEventStore;
let db: Kysely<DB>;
let bed: ProjectionTestBed;
let spring: SpringCampaign;

beforeAll(async () => {
  opened = openPostgresEventStore({ connectionString: database.url, masterKey: TEST_MASTER_KEY, pollIntervalMs: 50 });
  db = readModelDb<DB>(database.url);
  spring = await springCampaign(opened.store);
  bed = await projectionTestBed({ db, store: opened.store, projection: campaignsProjection });
  await bed.applyTwice();
});

afterAll(async () => {
  await opened.close();
  await db.destroy();
});

describe('the campaigns projection, fed a whole campaign twice', () => {
  it('counts each enrollment once per counter, emails per email, and nothing twice', async () => {
    const row = await db.selectFrom('campaigns').selectAll().where('campaignId', '=', spring.campaignId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      name: 'Spring outreach',
      enrolled: 5,
      active: 0,
      // machine: both steps sent (only a machine open, so "if not opened" sent step 2)
      completed: 1,
      // reader unsubscribed, clicker replied, bouncer bounced hard, failing failed to send
      stopped: 4,
      emailsSent: 5,
      failed: 1,
      leadsContacted: 4,
      // reader (human opens), clicker (a click implies an open), machine (a person opened step 2
      // later); a machine open or an auto-reply alone would not count
      opened: 3,
      clicked: 1,
      replied: 1,
      // a SOFT then a HARD bounce of one enrollment is one bounced enrollment
      bounced: 1,
      unsubscribed: 1,
    });
  });

  it('follows the lifecycle: launched, paused and resumed, completed', async () => {
    const row = await db.selectFrom('campaigns').selectAll().where('campaignId', '=', spring.campaignId).executeTakeFirstOrThrow();
    expect(row.status).toBe('completed');
    expect(row.createdAt.toISOString()).toBe('2025-03-03T09:00:00.000Z');
    expect(row.launchedAt?.toISOString()).toBe('2025-03-03T10:00:00.000Z');
    expect(row.pausedAt).toBeNull();
    expect(row.completedAt?.toISOString()).toBe('2025-03-06T11:02:00.000Z');
    expect(row.archivedAt).toBeNull();
  });

  it('shows a campaign archived before launch, with its waiting enrollment still active', async () => {
    const row = await db.selectFrom('campaigns').selectAll().where('campaignId', '=', spring.archivedCampaignId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'archived', enrolled: 1, active: 1, emailsSent: 0, launchedAt: null });
    expect(row.archivedAt?.toISOString()).toBe('2025-03-03T09:00:00.000Z');
  });

  it('counts enrollments of a running campaign as active until they finish', async () => {
    const row = await db.selectFrom('campaigns').selectAll().where('campaignId', '=', spring.lateCampaignId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'active', enrolled: 2, active: 2, completed: 0, stopped: 0, emailsSent: 0, leadsContacted: 0 });
  });

  it('remembers what each enrollment was counted for', async () => {
    const firsts = await db.selectFrom('campaignEnrollmentFirsts').selectAll().where('campaignId', '=', spring.campaignId).execute();
    const of = (name: SpringLead) => firsts.find((f) => f.enrollmentId === spring.enrollments[name]);
    expect(of('machine')).toMatchObject({ contacted: true, opened: true, replied: false });
    expect(of('clicker')).toMatchObject({ contacted: true, opened: true, clicked: true, replied: true });
    expect(of('failing')).toMatchObject({ contacted: false });
    expect(of('reader')).toMatchObject({ opened: true, unsubscribed: true });
  });

  it('warned about nothing: a real history has no odd data', () => {
    expect(bed.logger.warnings()).toEqual([]);
  });

  it('shows a paused campaign as paused since the pause, and a new one as a draft', async () => {
    const story2 = await Story.begin(opened.store, { label: 'paused', start: '2025-04-01T08:00:00.000Z' });
    const template = await story2.template();
    const sequence = await story2.sequence([{ templateId: template, delay: 'PT1H', condition: 'ALWAYS' }]);
    const campaign = await story2.campaign({ sequenceId: sequence });
    await story2.launch(campaign);
    story2.advance(HOUR);
    await story2.pause(campaign);
    const draft = await story2.campaign({ sequenceId: sequence, name: 'Not launched yet', stopOnReply: false });
    await bed.catchUp();
    const row = await db.selectFrom('campaigns').selectAll().where('campaignId', '=', campaign).executeTakeFirstOrThrow();
    expect(row.status).toBe('paused');
    expect(row.pausedAt?.toISOString()).toBe('2025-04-01T09:00:00.000Z');
    expect(await db.selectFrom('campaigns').selectAll().where('campaignId', '=', draft).executeTakeFirstOrThrow()).toMatchObject({
      status: 'draft',
      stopOnReply: false,
      launchedAt: null,
      enrolled: 0,
    });
  });

  it('clamps odd data with a warning instead of failing', async () => {
    const orphan = '00000000-0000-4000-8000-0000000000e1';
    const lead = '00000000-0000-4000-8000-0000000000e2';
    const at = '2025-03-10T09:00:00.000Z';
    // A finished enrollment this projection never saw enrolled: active cannot go below zero.
    await opened.store.append(streams.enrollment(orphan), [{ type: 'EnrollmentCompleted', data: { enrollmentId: orphan, campaignId: spring.campaignId, leadId: lead, completedAt: at } }], 'any', writeMetadata());
    // An event for a campaign nobody created.
    const unknown = '00000000-0000-4000-8000-0000000000e3';
    await opened.store.append(streams.enrollment(unknown), [{ type: 'EmailFailed', data: { enrollmentId: unknown, campaignId: unknown, leadId: lead, emailId: unknown, reason: 'x', attempts: 1, permanent: true, failedAt: at } }], 'any', writeMetadata());
    await bed.catchUp();
    await bed.rewind();
    await bed.catchUp();
    const row = await db.selectFrom('campaigns').selectAll().where('campaignId', '=', spring.campaignId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ completed: 2, active: 0, enrolled: 5 });
    expect(await db.selectFrom('campaigns').select('campaignId').where('campaignId', '=', unknown).executeTakeFirst()).toBeUndefined();
    const messages = bed.logger.warnings().map((w) => w.message);
    expect(messages).toEqual(expect.arrayContaining(['active count would drop below zero; kept at zero', 'event for an unknown campaign; ignored']));
  });
});
