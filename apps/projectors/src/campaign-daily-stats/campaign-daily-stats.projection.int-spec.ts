import { OpenedEventStore, openPostgresEventStore } from '@app/event-store';
import { DB } from '@app/read-store';
import { ProjectionTestBed, SpringCampaign, TEST_MASTER_KEY, projectionTestBed, readModelDb, springCampaign, useTestDatabase } from '@app/testing';
import { Kysely, sql } from 'kysely';
import { campaignsProjection } from '../campaigns/campaigns.projection';
import { campaignDailyStatsProjection } from './campaign-daily-stats.projection';

const database = useTestDatabase();
let opened: OpenedEventStore;
let db: Kysely<DB>;
let bed: ProjectionTestBed;
let spring: SpringCampaign;

beforeAll(async () => {
  opened = openPostgresEventStore({ connectionString: database.url, masterKey: TEST_MASTER_KEY, pollIntervalMs: 50 });
  db = readModelDb<DB>(database.url);
  spring = await springCampaign(opened.store);
  bed = await projectionTestBed({ db, store: opened.store, projection: campaignDailyStatsProjection });
  await bed.applyTwice();
  // The campaigns projection too, to check that days sum to the totals.
  await (await projectionTestBed({ db, store: opened.store, projection: campaignsProjection })).catchUp();
});

afterAll(async () => {
  await opened.close();
  await db.destroy();
});

const counters = ['enrolled', 'emailsSent', 'leadsContacted', 'opened', 'clicked', 'replied', 'bounced', 'unsubscribed'] as const;
const days = (campaignId: string) =>
  db
    .selectFrom('campaignDailyStats')
    .select([sql<string>`day::text`.as('day'), ...counters])
    .where('campaignId', '=', campaignId)
    .orderBy('day')
    .execute();
const zero = { enrolled: 0, emailsSent: 0, leadsContacted: 0, opened: 0, clicked: 0, replied: 0, bounced: 0, unsubscribed: 0 };

describe('the campaign_daily_stats projection, fed a whole campaign twice', () => {
  it('counts each event on its own UTC day, and each enrollment once on the day of its first', async () => {
    expect(await days(spring.campaignId)).toEqual([
      { day: '2025-03-03', enrolled: 5, emailsSent: 4, leadsContacted: 4, opened: 2, clicked: 1, replied: 1, bounced: 1, unsubscribed: 1 },
      // step 2 of the machine lead; the reader's second open that day is not a first
      { ...zero, day: '2025-03-06', emailsSent: 1 },
      // a person opens the machine lead's step 2: its first human open
      { ...zero, day: '2025-03-07', opened: 1 },
    ]);
    expect(await days(spring.archivedCampaignId)).toEqual([{ ...zero, day: '2025-03-03', enrolled: 1 }]);
    expect(await days(spring.lateCampaignId)).toEqual([{ ...zero, day: '2025-03-07', enrolled: 2 }]);
  });

  it('sums, over all days, to the totals of the campaigns read model', async () => {
    const campaigns = await db.selectFrom('campaigns').selectAll().execute();
    expect(campaigns).toHaveLength(3);
    for (const campaign of campaigns) {
      const sums = { ...zero };
      for (const day of await days(campaign.campaignId)) for (const c of counters) sums[c] += day[c];
      expect(sums).toEqual(Object.fromEntries(counters.map((c) => [c, campaign[c]])));
    }
  });

  it('keeps the workspace of each campaign on its days', async () => {
    const workspaces = await db.selectFrom('campaignDailyStats').select('workspaceId').distinct().execute();
    expect(workspaces).toEqual([{ workspaceId: spring.story.workspaceId }]);
  });

  it('warned about nothing: a real history has no odd data', () => {
    expect(bed.logger.warnings()).toEqual([]);
  });
});
