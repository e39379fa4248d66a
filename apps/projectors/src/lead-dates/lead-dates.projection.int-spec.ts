import { leadDecider } from '@app/domain';
import { streams } from '@app/events';
import { OpenedEventStore, openPostgresEventStore } from '@app/event-store';
import { DB } from '@app/read-store';
import { MINUTE, ProjectionTestBed, Story, TEST_MASTER_KEY, projectionTestBed, readModelDb, useTestDatabase } from '@app/testing';
import { Kysely } from 'kysely';
import { dateParts, leadDatesProjection } from './lead-dates.projection';

const database = useTestDatabase();
let opened: OpenedEventStore;
let db: Kysely<DB>;
let story: Story;
let ada: string;
let erased: string;
const ids = { birthday: '0195a3c4-0000-7000-8000-0000000000d1', renewal: '0195a3c4-0000-7000-8000-0000000000d2', removed: '0195a3c4-0000-7000-8000-0000000000d3', gone: '0195a3c4-0000-7000-8000-0000000000d4' };

const setDate = (leadId: string, dateId: string, fields: { kind: 'BIRTHDAY' | 'WORK_ANNIVERSARY' | 'CUSTOM'; date: string; label?: string; recurrence?: 'YEARLY' | 'ONCE' }) =>
  story.decide(streams.lead(leadId), leadDecider, { type: 'SetImportantDate', dateId, recurrence: 'YEARLY', ...fields, now: story.now() });

beforeAll(async () => {
  opened = openPostgresEventStore({ connectionString: database.url, masterKey: TEST_MASTER_KEY, pollIntervalMs: 50 });
  db = readModelDb<DB>(database.url);
  story = await Story.begin(opened.store, { label: 'dates' });
  ada = await story.lead({ email: 'ada@example.com', firstName: 'Ada' });
  erased = await story.lead({ email: 'erased@example.com' });
  await setDate(ada, ids.birthday, { kind: 'BIRTHDAY', date: '1990-03-15' });
  story.advance(MINUTE);
  await setDate(ada, ids.birthday, { kind: 'BIRTHDAY', date: '--02-29' });
  await setDate(ada, ids.renewal, { kind: 'CUSTOM', label: 'Contract renewal', date: '2026-06-01', recurrence: 'ONCE' });
  await setDate(ada, ids.removed, { kind: 'WORK_ANNIVERSARY', date: '2020-09-01' });
  await story.decide(streams.lead(ada), leadDecider, { type: 'RemoveImportantDate', dateId: ids.removed, now: story.now() });
  await setDate(erased, ids.gone, { kind: 'BIRTHDAY', date: '1985-12-24' });
  await story.decide(streams.lead(erased), leadDecider, { type: 'EraseLead', now: story.now() });
});

afterAll(async () => {
  await opened.close();
  await db.destroy();
});

const rows = () => db.selectFrom('leadDates').select(['leadId', 'dateId', 'workspaceId', 'kind', 'label', 'year', 'month', 'day', 'recurrence']).orderBy('dateId').execute();

describe('the lead_dates projection, fed twice', () => {
  let bed: ProjectionTestBed;
  beforeAll(async () => {
    bed = await projectionTestBed({ db, store: opened.store, projection: leadDatesProjection });
    await bed.applyTwice();
  });

  it('keeps each date as last set, by month and day, and forgets removed dates and erased leads', async () => {
    expect(await rows()).toEqual([
      { leadId: ada, dateId: ids.birthday, workspaceId: story.workspaceId, kind: 'BIRTHDAY', label: null, year: null, month: 2, day: 29, recurrence: 'YEARLY' },
      { leadId: ada, dateId: ids.renewal, workspaceId: story.workspaceId, kind: 'CUSTOM', label: 'Contract renewal', year: 2026, month: 6, day: 1, recurrence: 'ONCE' },
    ]);
    expect(bed.logger.warnings()).toEqual([]);
  });

  it('leaves out dates sealed with a key that was since erased, when rebuilt', async () => {
    await opened.keys.erase(erased);
    await bed.rewind();
    await bed.catchUp({ batchSize: 2 });
    expect((await rows()).map((r) => r.dateId)).toEqual([ids.birthday, ids.renewal]);
  });
});

describe('reading an important date', () => {
  it('takes YYYY-MM-DD and --MM-DD apart, and nothing else', () => {
    expect(dateParts('1990-03-15')).toEqual({ year: 1990, month: 3, day: 15 });
    expect(dateParts('--02-29')).toEqual({ year: null, month: 2, day: 29 });
    expect(dateParts('[erased]')).toBeNull();
    expect(dateParts('1990-13-01')).toBeNull();
  });
});
