import { AiUsageCommand, aiUsageDecider } from '@app/domain';
import { OpenedEventStore, openPostgresEventStore } from '@app/event-store';
import { streams } from '@app/events';
import { DB } from '@app/read-store';
import { DAY, ProjectionTestBed, Story, TEST_MASTER_KEY, idFactory, projectionTestBed, readModelDb, useTestDatabase } from '@app/testing';
import { Kysely } from 'kysely';
import { aiUsageProjection, utcMonth } from './ai-usage.projection';

const database = useTestDatabase();
const id = idFactory();
let opened: OpenedEventStore;
let db: Kysely<DB>;
let bed: ProjectionTestBed;
let story: Story;
let other: Story;
const colleague = id('colleague');

type Draft = Partial<AiUsageCommand> & Pick<AiUsageCommand, 'kind'>;

/** Records one generation in the story's workspace, in the month of the story's clock. */
async function generated(on: Story, draft: Draft): Promise<void> {
  const now = on.now();
  await on.decide(streams.ai(on.workspaceId, utcMonth(now)), aiUsageDecider, {
    type: 'RecordAiDraft',
    draftId: draft.draftId ?? id('draft'),
    workspaceId: on.workspaceId,
    requestedBy: on.ownerId,
    model: 'gpt-4o-mini-2024-07-18',
    promptVersion: 'generate-email@1',
    offline: false,
    cached: false,
    promptTokens: 0,
    completionTokens: 0,
    request: '{}',
    response: '{}',
    now,
    ...draft,
  });
}

beforeAll(async () => {
  opened = openPostgresEventStore({ connectionString: database.url, masterKey: TEST_MASTER_KEY, pollIntervalMs: 50 });
  db = readModelDb<DB>(database.url);
  // 2025-03-03: March, then April after 30 days.
  story = await Story.begin(opened.store, { label: 'usage' });
  other = await Story.begin(opened.store, { label: 'other' });
  const leadId = await story.lead({ email: 'ada@example.com', firstName: 'Ada' });
  const repeated = id('draft');
  await generated(story, { kind: 'GENERATE_EMAIL', leadId, promptTokens: 600, completionTokens: 150, draftId: repeated });
  // A retried request records its draft once.
  await generated(story, { kind: 'GENERATE_EMAIL', leadId, promptTokens: 600, completionTokens: 150, draftId: repeated });
  await generated(story, { kind: 'GENERATE_EMAIL', leadId, cached: true });
  await generated(story, { kind: 'SUBJECT_LINES', promptTokens: 200, completionTokens: 40 });
  await generated(story, { kind: 'SUBJECT_LINES', requestedBy: colleague, promptTokens: 210, completionTokens: 50 });
  await generated(story, { kind: 'CHECK_GRAMMAR', requestedBy: colleague, model: 'offline', promptVersion: 'offline-check-grammar@1', offline: true });
  await generated(other, { kind: 'ICEBREAKER', promptTokens: 99, completionTokens: 1 });
  story.advance(30 * DAY);
  await generated(story, { kind: 'SUBJECT_LINES', promptTokens: 300, completionTokens: 60 });
  bed = await projectionTestBed({ db, store: opened.store, projection: aiUsageProjection });
  await bed.applyTwice();
});

afterAll(async () => {
  await opened.close();
  await db.destroy();
});

const rows = (workspaceId: string) =>
  db
    .selectFrom('aiUsage')
    .select(['month', 'userId', 'model', 'kind', 'requests', 'cachedRequests', 'offlineRequests', 'promptTokens', 'completionTokens', 'totalTokens'])
    .where('workspaceId', '=', workspaceId)
    .orderBy('month')
    .orderBy('kind')
    .orderBy('userId')
    .execute();

describe('the AI usage projection, fed the generations twice', () => {
  it('counts requests and tokens per month, user, model and kind, each generation once', async () => {
    const owner = story.ownerId;
    expect(await rows(story.workspaceId)).toEqual([
      { month: '2025-03', userId: colleague, model: 'offline', kind: 'CHECK_GRAMMAR', requests: 1, cachedRequests: 0, offlineRequests: 1, promptTokens: '0', completionTokens: '0', totalTokens: '0' },
      { month: '2025-03', userId: owner, model: 'gpt-4o-mini-2024-07-18', kind: 'GENERATE_EMAIL', requests: 2, cachedRequests: 1, offlineRequests: 0, promptTokens: '600', completionTokens: '150', totalTokens: '750' },
      ...[
        { month: '2025-03', userId: colleague, model: 'gpt-4o-mini-2024-07-18', kind: 'SUBJECT_LINES', requests: 1, cachedRequests: 0, offlineRequests: 0, promptTokens: '210', completionTokens: '50', totalTokens: '260' },
        { month: '2025-03', userId: owner, model: 'gpt-4o-mini-2024-07-18', kind: 'SUBJECT_LINES', requests: 1, cachedRequests: 0, offlineRequests: 0, promptTokens: '200', completionTokens: '40', totalTokens: '240' },
      ].sort((a, b) => a.userId.localeCompare(b.userId)),
      { month: '2025-04', userId: owner, model: 'gpt-4o-mini-2024-07-18', kind: 'SUBJECT_LINES', requests: 1, cachedRequests: 0, offlineRequests: 0, promptTokens: '300', completionTokens: '60', totalTokens: '360' },
    ]);
    expect(bed.logger.warnings()).toEqual([]);
  });

  it("keeps another workspace's usage apart", async () => {
    expect(await rows(other.workspaceId)).toEqual([
      { month: '2025-03', userId: other.ownerId, model: 'gpt-4o-mini-2024-07-18', kind: 'ICEBREAKER', requests: 1, cachedRequests: 0, offlineRequests: 0, promptTokens: '99', completionTokens: '1', totalTokens: '100' },
    ]);
  });
});
