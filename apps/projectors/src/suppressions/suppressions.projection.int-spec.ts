import { leadDecider } from '@app/domain';
import { streams } from '@app/events';
import { OpenedEventStore, openPostgresEventStore } from '@app/event-store';
import { DB } from '@app/read-store';
import { MINUTE, Story, TEST_MASTER_KEY, projectionTestBed, readModelDb, useTestDatabase } from '@app/testing';
import { Kysely } from 'kysely';
import { suppressionsProjection } from './suppressions.projection';

const database = useTestDatabase();
let opened: OpenedEventStore;
let db: Kysely<DB>;
let story: Story;
const leads: Record<string, string> = {};
const hashOf = async (leadId: string) => (await story.facts.lead(leadId, story.workspaceId)).profile.emailHash;

beforeAll(async () => {
  opened = openPostgresEventStore({ connectionString: database.url, masterKey: TEST_MASTER_KEY, pollIntervalMs: 50 });
  db = readModelDb<DB>(database.url);
  story = await Story.begin(opened.store, { label: 'suppressions' });
  for (const name of ['clean', 'unsubscriber', 'bouncer', 'both', 'mover', 'erased']) leads[name] = await story.lead({ email: `${name}@example.com` });
  await story.unsubscribe(leads.unsubscriber as string, { source: 'ONE_CLICK' });
  await story.suppress(leads.bouncer as string, 'HARD_BOUNCE');
  // Unsubscribed first, then a bounce: the opt-out stays the reason.
  await story.unsubscribe(leads.both as string);
  story.advance(MINUTE);
  await story.suppress(leads.both as string, 'HARD_BOUNCE');
  await story.unsubscribe(leads.mover as string);
  await story.updateLead(leads.mover as string, { email: 'mover.new@example.com' });
  await story.suppress(leads.erased as string, 'COMPLAINT');
  await story.decide(streams.lead(leads.erased as string), leadDecider, { type: 'EraseLead', now: story.now() });
  const bed = await projectionTestBed({ db, store: opened.store, projection: suppressionsProjection });
  await bed.applyTwice();
});

afterAll(async () => {
  await opened.close();
  await db.destroy();
});

describe('the suppressions projection, fed twice', () => {
  it('lists every opted-out or suppressed address of the workspace by its hash, with the reason that counts', async () => {
    const rows = await db.selectFrom('suppressions').select(['emailHash', 'reason', 'leadId']).where('workspaceId', '=', story.workspaceId).execute();
    const byLead = new Map(rows.map((r) => [r.leadId, r]));
    expect(byLead.get(leads.unsubscriber as string)).toMatchObject({ reason: 'UNSUBSCRIBED', emailHash: await hashOf(leads.unsubscriber as string) });
    expect(byLead.get(leads.bouncer as string)).toMatchObject({ reason: 'HARD_BOUNCE' });
    expect(byLead.get(leads.both as string)).toMatchObject({ reason: 'UNSUBSCRIBED' });
    expect(byLead.has(leads.clean as string)).toBe(false);
    // The mover's old and new addresses both stay opted out.
    expect(rows.filter((r) => r.leadId === leads.mover).map((r) => r.reason)).toEqual(['UNSUBSCRIBED', 'UNSUBSCRIBED']);
  });

  it('keeps an erased lead’s address on the list, without saying whose it was', async () => {
    const rows = await db.selectFrom('suppressions').select(['reason', 'leadId']).where('workspaceId', '=', story.workspaceId).where('reason', '=', 'COMPLAINT').execute();
    expect(rows).toEqual([{ reason: 'COMPLAINT', leadId: null }]);
    expect(await db.selectFrom('suppressionLeads').select('leadId').where('leadId', '=', leads.erased as string).execute()).toEqual([]);
  });
});
