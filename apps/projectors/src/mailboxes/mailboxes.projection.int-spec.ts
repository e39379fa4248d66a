import { mailboxDecider, campaignDecider } from '@app/domain';
import { streams } from '@app/events';
import { OpenedEventStore, openPostgresEventStore } from '@app/event-store';
import { DB } from '@app/read-store';
import { MINUTE, Story, TEST_MASTER_KEY, projectionTestBed, readModelDb, useTestDatabase } from '@app/testing';
import { Kysely } from 'kysely';
import { mailboxesProjection } from './mailboxes.projection';

const database = useTestDatabase();
let opened: OpenedEventStore;
let db: Kysely<DB>;
let story: Story;
let campaignId: string;
let occasionId: string;
const gmail = '0195a3c4-0000-7000-8000-0000000000b1';
const outbox = '0195a3c4-0000-7000-8000-0000000000b2';

beforeAll(async () => {
  opened = openPostgresEventStore({ connectionString: database.url, masterKey: TEST_MASTER_KEY, pollIntervalMs: 50 });
  db = readModelDb<DB>(database.url);
  story = await Story.begin(opened.store, { label: 'mailboxes' });
  const connect = (mailboxId: string, provider: 'GMAIL' | 'OUTBOX', address: string) =>
    story.decide(streams.mailbox(mailboxId), mailboxDecider, { type: 'ConnectMailbox', mailboxId, workspaceId: story.workspaceId, provider, address, displayName: 'Grace', now: story.now() });
  await connect(gmail, 'GMAIL', 'grace@gmail.test');
  await connect(outbox, 'OUTBOX', 'outbox@acme.test');
  story.advance(MINUTE);
  await story.decide(streams.mailbox(gmail), mailboxDecider, { type: 'SetMailboxLimits', limits: { perDay: 100 }, now: story.now() });
  await story.decide(streams.mailbox(gmail), mailboxDecider, { type: 'DisconnectMailbox', reason: 'REVOKED', detail: 'invalid_grant', now: story.now() });
  await story.decide(streams.mailbox(outbox), mailboxDecider, { type: 'DisconnectMailbox', reason: 'USER', now: story.now() });
  await story.decide(streams.mailbox(outbox), mailboxDecider, { type: 'ReconnectMailbox', now: story.now() });

  const templateId = await story.template();
  const sequenceId = await story.sequence([{ delay: 'PT0S', condition: 'ALWAYS', templateId }]);
  campaignId = await story.campaign({ sequenceId });
  await story.decide(streams.campaign(campaignId), campaignDecider, {
    type: 'ConfigureCampaignSending',
    mailboxIds: [gmail, outbox],
    sendWindow: { days: ['MON', 'FRI'], start: '09:00', end: '17:00' },
    timezone: 'Europe/Paris',
    mailboxes: { [gmail]: { connected: false }, [outbox]: { connected: true } },
    now: story.now(),
  });
  await story.launch(campaignId);
  await story.pause(campaignId);
  occasionId = await story.campaign({ sequenceId, name: 'Birthdays' });
  await story.decide(streams.campaign(occasionId), campaignDecider, { type: 'SetCampaignOccasion', occasion: 'CUSTOM', customLabel: 'Renewal', sendAtLocalTime: '08:30', now: story.now() });
  await story.launch(occasionId);
  const bed = await projectionTestBed({ db, store: opened.store, projection: mailboxesProjection });
  await bed.applyTwice();
  expect(bed.logger.warnings()).toEqual([]);
});

afterAll(async () => {
  await opened.close();
  await db.destroy();
});

describe('the mailboxes projection, fed twice', () => {
  it('keeps each mailbox with its connection status, reason and limits', async () => {
    const rows = await db.selectFrom('mailboxes').selectAll().orderBy('address').execute();
    expect(rows.map((r) => [r.address, r.provider, r.status, r.disconnectReason, r.disconnectDetail])).toEqual([
      ['grace@gmail.test', 'GMAIL', 'disconnected', 'REVOKED', 'invalid_grant'],
      ['outbox@acme.test', 'OUTBOX', 'connected', null, null],
    ]);
    expect(rows[0]?.limits).toMatchObject({ perDay: 100, perMinute: 20, rampUp: { startPerDay: 20, increasePerDay: 10 } });
    expect(rows[1]?.disconnectedAt).toBeNull();
  });

  it('keeps each campaign’s sending: mailboxes, window, zone, occasion and status', async () => {
    const rows = await db.selectFrom('campaignSending').select(['campaignId', 'status', 'mailboxIds', 'sendWindow', 'timezone', 'occasion', 'occasionLabel', 'sendAtLocalTime']).orderBy('campaignId').execute();
    expect(rows).toEqual(
      expect.arrayContaining([
        { campaignId, status: 'paused', mailboxIds: [gmail, outbox], sendWindow: { days: ['MON', 'FRI'], start: '09:00', end: '17:00' }, timezone: 'Europe/Paris', occasion: null, occasionLabel: null, sendAtLocalTime: null },
        { campaignId: occasionId, status: 'active', mailboxIds: [], sendWindow: null, timezone: null, occasion: 'CUSTOM', occasionLabel: 'Renewal', sendAtLocalTime: '08:30' },
      ]),
    );
  });
});
