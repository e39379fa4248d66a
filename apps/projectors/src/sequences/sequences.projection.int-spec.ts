import { OpenedEventStore, openPostgresEventStore } from '@app/event-store';
import { DB } from '@app/read-store';
import { ProjectionTestBed, SpringCampaign, TEST_MASTER_KEY, projectionTestBed, readModelDb, springCampaign, useTestDatabase } from '@app/testing';
import { Kysely } from 'kysely';
import { sequencesProjection } from './sequences.projection';

const database = useTestDatabase();
let opened: OpenedEventStore;
let db: Kysely<DB>;
let bed: ProjectionTestBed;
let spring: SpringCampaign;
let abTest: string;

beforeAll(async () => {
  opened = openPostgresEventStore({ connectionString: database.url, masterKey: TEST_MASTER_KEY, pollIntervalMs: 50 });
  db = readModelDb<DB>(database.url);
  spring = await springCampaign(opened.store);
  const other = await spring.story.template({ name: 'Other', subject: 'Quick question' });
  abTest = await spring.story.sequence(
    [
      { delay: 'PT4H', condition: 'ALWAYS', variants: [{ templateId: spring.templateId, weight: 70 }, { templateId: other }] },
      { delay: 'P3D', condition: 'IF_NOT_REPLIED', templateId: other },
    ],
    'A/B test',
  );
  bed = await projectionTestBed({ db, store: opened.store, projection: sequencesProjection });
  await bed.applyTwice();
});

afterAll(async () => {
  await opened.close();
  await db.destroy();
});

describe('the sequences projection, fed the sequences twice', () => {
  it('keeps one row per sequence with its steps', async () => {
    const rows = await db.selectFrom('sequences').selectAll().where('workspaceId', '=', spring.story.workspaceId).orderBy('name').execute();
    expect(rows.map((r) => [r.name, r.stepCount])).toEqual([
      ['A/B test', 2],
      ['Late', 1],
      ['Outreach', 2],
    ]);
    const outreach = rows.find((r) => r.sequenceId === spring.sequenceId);
    expect(outreach?.steps).toEqual([
      { delay: 'PT1M', condition: 'ALWAYS', variants: [{ key: 'A', templateId: spring.templateId, weight: 1 }] },
      { delay: 'P2D', condition: 'IF_NOT_OPENED', variants: [{ key: 'A', templateId: spring.templateId, weight: 1 }] },
    ]);
    expect(outreach?.createdAt.toISOString()).toBe(spring.at.start);
  });

  it('keeps A/B variants with their weights', async () => {
    const row = await db.selectFrom('sequences').selectAll().where('sequenceId', '=', abTest).executeTakeFirstOrThrow();
    expect(row.steps).toEqual([
      {
        delay: 'PT4H',
        condition: 'ALWAYS',
        variants: [
          { key: 'A', templateId: spring.templateId, weight: 70 },
          { key: 'B', templateId: expect.any(String), weight: 1 },
        ],
      },
      { delay: 'P3D', condition: 'IF_NOT_REPLIED', variants: [{ key: 'A', templateId: expect.any(String), weight: 1 }] },
    ]);
    expect(bed.logger.warnings()).toEqual([]);
  });
});
