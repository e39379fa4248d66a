import { workspaceDecider } from '@app/domain';
import { OpenedEventStore, openPostgresEventStore } from '@app/event-store';
import { streams } from '@app/events';
import { DB } from '@app/read-store';
import { MINUTE, ProjectionTestBed, Story, TEST_MASTER_KEY, idFactory, projectionTestBed, readModelDb, useTestDatabase } from '@app/testing';
import { Kysely } from 'kysely';
import { membersProjection } from './members.projection';

const database = useTestDatabase();
const id = idFactory();
let opened: OpenedEventStore;
let db: Kysely<DB>;
let bed: ProjectionTestBed;
let story: Story;
let plain: Story;
let firstUpdate: string;
let lastUpdate: string;
let limitsSetAt: string;
const admin = id('admin');

beforeAll(async () => {
  opened = openPostgresEventStore({ connectionString: database.url, masterKey: TEST_MASTER_KEY, pollIntervalMs: 50 });
  db = readModelDb<DB>(database.url);
  story = await Story.begin(opened.store, { label: 'profile', workspaceName: 'Acme' });
  plain = await Story.begin(opened.store, { label: 'plain', workspaceName: 'Plain' });
  const workspace = streams.workspace(story.workspaceId);
  const actor = { actorId: story.ownerId };
  await story.decide(workspace, workspaceDecider, { type: 'AddMember', userId: admin, role: 'ADMIN', ...actor, now: story.now() });
  firstUpdate = story.advance(MINUTE);
  await story.decide(workspace, workspaceDecider, {
    type: 'UpdateWorkspaceProfile',
    profile: { companyName: 'Acme Routing', postalAddress: '1 Main St, Springfield', productDescription: 'Route planning for van fleets.' },
    ...actor,
    now: firstUpdate,
  });
  await story.decide(workspace, workspaceDecider, { type: 'SetAiLimits', limits: { monthlyTokenBudget: 50_000, requestsPerMinute: 5 }, ...actor, now: (limitsSetAt = story.advance(MINUTE)) });
  lastUpdate = story.advance(MINUTE);
  // Only the fields that change are in the event: the others keep their values.
  await story.decide(workspace, workspaceDecider, { type: 'UpdateWorkspaceProfile', profile: { website: 'https://acme.example', productDescription: 'Route planning and dispatch for van fleets.' }, actorId: admin, now: lastUpdate });
  bed = await projectionTestBed({ db, store: opened.store, projection: membersProjection });
  await bed.applyTwice();
});

afterAll(async () => {
  await opened.close();
  await db.destroy();
});

describe('the members projection (v2), fed the workspace history twice', () => {
  it("keeps the workspace's profile, merging partial updates", async () => {
    const row = await db.selectFrom('workspaces').selectAll().where('workspaceId', '=', story.workspaceId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      name: 'Acme',
      companyName: 'Acme Routing',
      postalAddress: '1 Main St, Springfield',
      productDescription: 'Route planning and dispatch for van fleets.',
      website: 'https://acme.example',
      aiMonthlyTokenBudget: '50000',
      aiRequestsPerMinute: 5,
    });
    expect(row.profileUpdatedAt?.toISOString()).toBe(lastUpdate);
    expect(row.aiLimitsSetAt?.toISOString()).toBe(limitsSetAt);
    expect(firstUpdate < limitsSetAt && limitsSetAt < lastUpdate).toBe(true);
  });

  it('leaves a workspace without a profile or limits empty', async () => {
    const row = await db.selectFrom('workspaces').selectAll().where('workspaceId', '=', plain.workspaceId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ name: 'Plain', companyName: null, postalAddress: null, productDescription: null, website: null, aiMonthlyTokenBudget: null, aiRequestsPerMinute: null, profileUpdatedAt: null });
  });

  it('still keeps users and memberships', async () => {
    const members = await db.selectFrom('workspaceMembers').select(['userId', 'role']).where('workspaceId', '=', story.workspaceId).orderBy('role').execute();
    expect(members).toEqual([
      { userId: admin, role: 'ADMIN' },
      { userId: story.ownerId, role: 'OWNER' },
    ]);
    expect(bed.logger.warnings()).toEqual([]);
  });
});
