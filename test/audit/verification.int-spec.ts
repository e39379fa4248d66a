import { auditLogDecider } from '@app/domain';
import { streams } from '@app/events';
import { AuditCommandRunner, OpenedEventStore, WorkspaceAudit, handleCommand, merkleRoot, openPostgresEventStore } from '@app/event-store';
import { DB } from '@app/read-store';
import { ProjectionTestBed, SpringCampaign, TEST_MASTER_KEY, projectionTestBed, readModelDb, springCampaign, useTestDatabase, writeMetadata } from '@app/testing';
import { randomUUID } from 'node:crypto';
import { Kysely } from 'kysely';
import { eventLogProjection } from '../../apps/projectors/src/event-log/event-log.projection';

const database = useTestDatabase();
let opened: OpenedEventStore;
let db: Kysely<DB>;
let index: ProjectionTestBed;
let spring: SpringCampaign;
let audit: WorkspaceAudit;
let workspaceId: string;

const runner =
  (actorId: string): AuditCommandRunner =>
  async (build) => {
    const outcome = await handleCommand({
      store: opened.store,
      streamId: streams.audit(workspaceId),
      decider: auditLogDecider,
      command: build(new Date().toISOString()),
      metadata: writeMetadata({ tenantId: workspaceId, actorId, occurredAt: new Date().toISOString() }),
    });
    return { appended: outcome.appended !== null };
  };

beforeAll(async () => {
  opened = openPostgresEventStore({ connectionString: database.url, masterKey: TEST_MASTER_KEY, pollIntervalMs: 50 });
  db = readModelDb<DB>(database.url);
  spring = await springCampaign(opened.store);
  workspaceId = spring.story.workspaceId;
  index = await projectionTestBed({ db, store: opened.store, projection: eventLogProjection });
  await index.catchUp();
  audit = new WorkspaceAudit(opened.store, database.pool);
});

afterAll(async () => {
  await opened.close();
  await db.destroy();
});

/** Runs `tamper` on es_events, then puts the rows back as they were. */
async function tampered<T>(streamId: string, tamper: () => Promise<unknown>, check: () => Promise<T>): Promise<T> {
  const { rows } = await database.pool.query('select * from es_events where stream_id = $1', [streamId]);
  try {
    await tamper();
    return await check();
  } finally {
    await database.pool.query('delete from es_events where stream_id = $1', [streamId]);
    for (const row of rows as Record<string, unknown>[]) {
      await database.pool.query(
        'insert into es_events (event_id, position, xid, stream_id, revision, type, version, data, metadata, prev_hash, hash, recorded_at) overriding system value values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)',
        [row.event_id, row.position, row.xid, row.stream_id, row.revision, row.type, row.version, JSON.stringify(row.data), JSON.stringify(row.metadata), row.prev_hash, row.hash, row.recorded_at],
      );
    }
  }
}

describe('anchoring a workspace', () => {
  it('records a Merkle root over every stream, once: an unchanged log is not anchored again', async () => {
    const first = await audit.anchor(workspaceId, randomUUID(), runner(spring.story.ownerId));
    expect(first).toMatchObject({ kind: 'anchored' });
    const leaves = await audit.currentLeaves(workspaceId);
    expect(first.kind === 'anchored' && first.merkleRoot).toBe(merkleRoot(leaves));
    // The lead streams, enrollments, campaigns... everything of the workspace is a leaf.
    expect(leaves.map((l) => l.streamId)).toEqual(expect.arrayContaining([streams.lead(spring.leads.reader), streams.enrollment(spring.enrollments.clicker), streams.campaign(spring.campaignId)]));
    await index.catchUp();
    expect(await audit.anchor(workspaceId, randomUUID(), runner(spring.story.ownerId))).toMatchObject({ kind: 'unchanged' });
    const anchor = await audit.latestAnchor(workspaceId);
    expect(anchor?.leaves).toHaveLength(leaves.length);
  });

  it('verifies the untouched log: every chain holds and matches the anchor', async () => {
    const result = await audit.verify(workspaceId);
    expect(result).toMatchObject({ ok: true, firstBreak: null, breaks: [], anchor: { rootMatches: true } });
    expect(result.streams).toBeGreaterThan(10);
    expect(result.events).toBeGreaterThan(50);
  });
});

describe('verification of a tampered log', () => {
  it('names the event altered directly in the database: its stream, revision and id', async () => {
    const streamId = streams.lead(spring.leads.clicker);
    const [created] = await opened.store.readStream(streamId);
    const found = await tampered(
      streamId,
      () => database.pool.query(`update es_events set data = (jsonb_set(data::jsonb, '{company}', '"Evil Corp"'))::json where stream_id = $1 and revision = 0`, [streamId]),
      () => audit.verify(workspaceId),
    );
    expect(found.ok).toBe(false);
    expect(found.firstBreak).toEqual({ streamId, revision: 0, eventId: created?.id, reason: 'hash-mismatch', detail: expect.stringContaining('altered') });
    expect(found.breaks).toHaveLength(1);
    // One stream on its own says the same.
    const one = await tampered(
      streamId,
      () => database.pool.query(`update es_events set metadata = (jsonb_set(metadata::jsonb, '{actorId}', '"someone-else"'))::json where stream_id = $1 and revision = 0`, [streamId]),
      () => audit.verify(workspaceId, { streamId }),
    );
    expect(one.firstBreak).toMatchObject({ streamId, revision: 0, reason: 'hash-mismatch' });
  });

  it('names the stream whose last events were deleted, which its own chain cannot show', async () => {
    const streamId = streams.enrollment(spring.enrollments.machine);
    const history = await opened.store.readStream(streamId);
    const keep = history.length - 2;
    const found = await tampered(
      streamId,
      () => database.pool.query('delete from es_events where stream_id = $1 and revision >= $2', [streamId, keep]),
      () => audit.verify(workspaceId),
    );
    expect(found.ok).toBe(false);
    expect(found.breaks).toEqual([
      {
        streamId,
        revision: keep,
        eventId: history[history.length - 1]?.id,
        reason: 'truncated',
        detail: expect.stringContaining(`had ${history.length} events when anchored and has ${keep} now`),
      },
    ]);
    expect(found.anchor).toMatchObject({ rootMatches: true });
  });

  it('finds an event removed from the middle of a stream by its chain', async () => {
    const streamId = streams.enrollment(spring.enrollments.clicker);
    const history = await opened.store.readStream(streamId);
    const found = await tampered(streamId, () => database.pool.query('delete from es_events where stream_id = $1 and revision = 2', [streamId]), () => audit.verify(workspaceId, { streamId }));
    expect(found.firstBreak).toMatchObject({ streamId, revision: 3, eventId: history[3]?.id, reason: 'revision-gap' });
  });

  it('sees anchor leaves altered to hide a deletion: they no longer give the root the anchor event recorded', async () => {
    const anchor = await audit.latestAnchor(workspaceId);
    const streamId = streams.enrollment(spring.enrollments.bouncer);
    const history = await opened.store.readStream(streamId);
    const last = history[history.length - 1];
    const hide = (delta: number, head?: { hash: string; id: string }) =>
      database.pool.query(
        `update audit_anchor_streams set length = length + $3, head_hash = coalesce($4, head_hash), head_event_id = coalesce($5::uuid, head_event_id) where anchor_id = $1 and stream_id = $2`,
        [anchor?.anchorId, streamId, delta, head?.hash ?? null, head?.id ?? null],
      );
    const found = await tampered(
      streamId,
      async () => {
        // The last event goes, and the anchor's leaf is made to say the stream was always that long.
        await database.pool.query('delete from es_events where stream_id = $1 and revision = $2', [streamId, last?.revision]);
        const previous = history[history.length - 2] as (typeof history)[number];
        await hide(-1, { hash: previous.metadata.hash, id: previous.id });
      },
      () => audit.verify(workspaceId),
    );
    await hide(1, { hash: last?.metadata.hash ?? '', id: last?.id ?? '' });
    expect(found.ok).toBe(false);
    expect(found.breaks).toEqual([expect.objectContaining({ streamId: streams.audit(workspaceId), eventId: anchor?.eventId, reason: 'anchor-altered' })]);
    expect(found.anchor).toMatchObject({ rootMatches: false });
    expect((await audit.verify(workspaceId)).ok).toBe(true);
  });

  it('refuses to anchor over a stream that is shorter than the last anchor saw', async () => {
    const streamId = streams.enrollment(spring.enrollments.reader);
    // The index follows the truncated store (a rebuild of it would): the anchor must not bless that.
    const outcome = await tampered(
      streamId,
      async () => {
        await database.pool.query('delete from es_events where stream_id = $1 and revision >= 1', [streamId]);
        await database.pool.query('delete from event_log_index where stream_id = $1 and stream_revision >= 1', [streamId]);
      },
      () => audit.anchor(workspaceId, randomUUID(), runner(spring.story.ownerId)),
    );
    expect(outcome).toMatchObject({ kind: 'refused', streamId });
    await index.rewind();
    await index.catchUp();
  });
});
