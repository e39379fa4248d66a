import { OpenedEventStore, openPostgresEventStore } from '@app/event-store';
import { streams } from '@app/events';
import { DB } from '@app/read-store';
import { MINUTE, ProjectionTestBed, SpringCampaign, TEST_MASTER_KEY, projectionTestBed, readModelDb, springCampaign, useTestDatabase, writeMetadata } from '@app/testing';
import { Kysely } from 'kysely';
import { leadsProjection } from './leads.projection';

const database = useTestDatabase();
let opened: OpenedEventStore;
let db: Kysely<DB>;
let bed: ProjectionTestBed;
let spring: SpringCampaign;
let updatedAt: string;
let lateChanges: string;

beforeAll(async () => {
  opened = openPostgresEventStore({ connectionString: database.url, masterKey: TEST_MASTER_KEY, pollIntervalMs: 50 });
  db = readModelDb<DB>(database.url);
  spring = await springCampaign(opened.store);
  const { story, leads } = spring;
  updatedAt = story.advance(MINUTE);
  await story.updateLead(leads.machine, { email: 'Machine.New@Example.com', lastName: 'Learner', company: null, customFields: { plan: 'pro' } });
  lateChanges = story.advance(MINUTE);
  // Unsubscribed outranks suppressed, whichever comes first; the suppression reason is kept.
  await story.suppress(leads.reader, 'MANUAL');
  await story.unsubscribe(leads.bouncer, { source: 'ONE_CLICK' });
  await story.suppress(leads.failing, 'COMPLAINT');
  bed = await projectionTestBed({ db, store: opened.store, projection: leadsProjection });
  await bed.applyTwice();
});

afterAll(async () => {
  await opened.close();
  await db.destroy();
});

const lead = (leadId: string) => db.selectFrom('leads').selectAll().where('leadId', '=', leadId).executeTakeFirstOrThrow();

describe('the leads projection, fed the leads of a campaign twice', () => {
  it('keeps one row per lead with its profile', async () => {
    expect(await db.selectFrom('leads').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).toEqual({ n: '8' });
    const row = await lead(spring.leads.clicker);
    expect(row).toMatchObject({
      workspaceId: spring.story.workspaceId,
      email: 'clicker.spring@example.com',
      firstName: 'Clicker',
      lastName: null,
      company: 'Acme',
      title: null,
      timezone: 'Europe/Paris',
      customFields: {},
      status: 'contactable',
      suppressionReason: null,
      unsubscribedAt: null,
      source: 'MANUAL',
    });
    expect(row.emailHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.createdAt.toISOString()).toBe(spring.at.start);
    expect(row.updatedAt.toISOString()).toBe(spring.at.start);
  });

  it('changes only the fields an update carries; null clears one', async () => {
    const before = (await lead(spring.leads.clicker)).emailHash;
    const row = await lead(spring.leads.machine);
    expect(row).toMatchObject({ email: 'machine.new@example.com', firstName: 'Machine', lastName: 'Learner', company: null, timezone: 'Europe/Paris', customFields: { plan: 'pro' } });
    expect(row.emailHash).not.toBe(before);
    expect(row.updatedAt.toISOString()).toBe(updatedAt);
  });

  it('shows unsubscribed and suppressed leads; unsubscribed outranks suppressed', async () => {
    expect(await lead(spring.leads.reader)).toMatchObject({ status: 'unsubscribed', suppressionReason: 'MANUAL', unsubscribedAt: new Date(spring.at.reactions) });
    expect(await lead(spring.leads.bouncer)).toMatchObject({ status: 'unsubscribed', suppressionReason: 'HARD_BOUNCE', unsubscribedAt: new Date(lateChanges), updatedAt: new Date(lateChanges) });
  });

  it('shows a suppressed lead with its reason, and imported leads as imported', async () => {
    expect(await lead(spring.leads.failing)).toMatchObject({ status: 'suppressed', suppressionReason: 'COMPLAINT', unsubscribedAt: null, updatedAt: new Date(lateChanges) });
    const imported = await db.selectFrom('leads').selectAll().where('source', '=', 'IMPORT').execute();
    expect(imported).toHaveLength(1);
    expect(imported[0]).toMatchObject({ status: 'contactable', firstName: null, email: 'other.spring@example.com' });
  });

  it('warned about nothing: a real history has no odd data', () => {
    expect(bed.logger.warnings()).toEqual([]);
  });

  it('ignores, with a warning, an update of a lead it never saw', async () => {
    const ghost = '00000000-0000-4000-8000-00000000aa01';
    await opened.store.append(streams.lead(ghost), [{ type: 'LeadUpdated', data: { leadId: ghost, firstName: 'Ghost', updatedAt: spring.at.lateOpen } }], 'any', writeMetadata());
    await bed.catchUp();
    expect(await db.selectFrom('leads').select('leadId').where('leadId', '=', ghost).executeTakeFirst()).toBeUndefined();
    expect(bed.logger.warnings().map((w) => w.message)).toEqual(['event for an unknown lead; ignored']);
  });
});
