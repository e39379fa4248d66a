import { OpenedEventStore, openPostgresEventStore } from '@app/event-store';
import { DB } from '@app/read-store';
import { HOUR, MINUTE, ProjectionTestBed, Story, TEST_MASTER_KEY, projectionTestBed, readModelDb, useTestDatabase } from '@app/testing';
import { Kysely } from 'kysely';
import { replyRatesProjection, sendSlot } from './reply-rates.projection';

const database = useTestDatabase();
let opened: OpenedEventStore;
let db: Kysely<DB>;
let bed: ProjectionTestBed;
let story: Story;
let campaignId: string;
let otherCampaignId: string;

/**
 * Monday 2025-03-03. Sends at 14:00 UTC: 09:00 in New York (Monday), 23:00 in Tokyo (Monday),
 * 14:00 for a lead with no zone (UTC), and, for the lead who moved to Sydney before the send,
 * 01:00 on Tuesday.
 */
beforeAll(async () => {
  opened = openPostgresEventStore({ connectionString: database.url, masterKey: TEST_MASTER_KEY, pollIntervalMs: 50 });
  db = readModelDb<DB>(database.url);
  story = await Story.begin(opened.store, { label: 'rates', start: '2025-03-03T13:00:00.000Z' });
  const templateId = await story.template();
  const sequenceId = await story.sequence([
    { templateId, delay: 'PT1H', condition: 'ALWAYS' },
    { templateId, delay: 'P1D', condition: 'IF_NOT_REPLIED' },
  ]);
  campaignId = await story.campaign({ sequenceId, name: 'Rates' });
  otherCampaignId = await story.campaign({ sequenceId, name: 'Other' });
  const york = await story.lead({ email: 'york@example.com', timezone: 'America/New_York' });
  const tokyo = await story.lead({ email: 'tokyo@example.com', timezone: 'Asia/Tokyo' });
  const nowhere = await story.lead({ email: 'nowhere@example.com' });
  const mover = await story.lead({ email: 'mover@example.com', timezone: 'Europe/Paris' });
  await story.updateLead(mover, { timezone: 'Australia/Sydney' });
  const enrolled = {
    york: await story.enroll(campaignId, york),
    tokyo: await story.enroll(campaignId, tokyo),
    nowhere: await story.enroll(campaignId, nowhere),
    mover: await story.enroll(campaignId, mover),
    elsewhere: await story.enroll(otherCampaignId, york),
  };
  await story.launch(campaignId);
  await story.launch(otherCampaignId);
  await story.tick(HOUR);
  // York replies (a person), Tokyo twice (counted once), the lead without a zone only auto-replies.
  story.advance(MINUTE);
  await story.reply(story.emailOf(enrolled.york, 0));
  await story.reply(story.emailOf(enrolled.tokyo, 0));
  await story.reply(story.emailOf(enrolled.tokyo, 0));
  await story.reply(story.emailOf(enrolled.nowhere, 0), 'AUTO_REPLY');
  // A day later the second step goes to those who did not reply: 14:01 UTC on Tuesday.
  await story.tick(24 * HOUR);
  bed = await projectionTestBed({ db, store: opened.store, projection: replyRatesProjection });
  await bed.applyTwice();
});

afterAll(async () => {
  await opened.close();
  await db.destroy();
});

const slots = (campaign: string) =>
  db.selectFrom('replyRatesBySendTime').select(['weekday', 'hour', 'sent', 'replied']).where('campaignId', '=', campaign).orderBy('weekday').orderBy('hour').execute();

describe('the reply rates projection, fed a campaign twice', () => {
  it('counts sends and human replies by weekday and hour of send in the lead\'s own time zone', async () => {
    expect(await slots(campaignId)).toEqual([
      { weekday: 1, hour: 9, sent: 1, replied: 1 }, // New York, Monday 09:00: replied
      { weekday: 1, hour: 14, sent: 1, replied: 0 }, // no zone: UTC; an auto-reply is not a reply
      { weekday: 1, hour: 23, sent: 1, replied: 1 }, // Tokyo: two replies to one email count once
      { weekday: 2, hour: 1, sent: 1, replied: 0 }, // moved to Sydney before the send
      { weekday: 2, hour: 14, sent: 1, replied: 0 }, // step 2 for the lead without a zone
      { weekday: 3, hour: 1, sent: 1, replied: 0 }, // step 2 in Sydney: Wednesday 01:01
    ]);
    expect(await slots(otherCampaignId)).toEqual([{ weekday: 1, hour: 9, sent: 1, replied: 0 }, { weekday: 2, hour: 9, sent: 1, replied: 0 }]);
  });

  it('belongs to the campaign\'s workspace', async () => {
    const workspaces = await db.selectFrom('replyRatesBySendTime').select('workspaceId').distinct().execute();
    expect(workspaces).toEqual([{ workspaceId: story.workspaceId }]);
  });

  it('warned about nothing', () => {
    expect(bed.logger.warnings()).toEqual([]);
  });
});

describe('the send slot', () => {
  it('follows daylight saving time and falls back to UTC for a zone it does not know', () => {
    // 2025-03-30 01:30 UTC: Paris has just moved to summer time (03:30 local, a Sunday).
    expect(sendSlot('2025-03-30T01:30:00.000Z', 'Europe/Paris')).toEqual({ weekday: 7, hour: 3, zoneUsed: 'Europe/Paris' });
    expect(sendSlot('2025-03-30T00:30:00.000Z', 'Europe/Paris')).toEqual({ weekday: 7, hour: 1, zoneUsed: 'Europe/Paris' });
    expect(sendSlot('2025-03-30T01:30:00.000Z', 'Mars/Olympus')).toEqual({ weekday: 7, hour: 1, zoneUsed: 'UTC' });
  });
});
