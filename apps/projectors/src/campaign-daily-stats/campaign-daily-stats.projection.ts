import { DB } from '@app/read-store';
import { assertNever } from '@app/domain';
import { defineProjection } from '@app/projections';
import { inChunks, isAfter, upsertRows, utcDay, utcInstant } from '../shared/projection-helpers';
import { sql } from 'kysely';

const counters = ['enrolled', 'emailsSent', 'leadsContacted', 'opened', 'clicked', 'replied', 'bounced', 'unsubscribed'] as const;
type Counter = (typeof counters)[number];
type DayDelta = { workspaceId: string; campaignId: string; day: string } & Record<Counter, number>;

/** What an enrollment has already been counted for, and the last event it took in. */
type Firsts = {
  enrollmentId: string;
  workspaceId: string;
  campaignId: string;
  leadId: string;
  contacted: boolean;
  opened: boolean;
  clicked: boolean;
  replied: boolean;
  bounced: boolean;
  unsubscribed: boolean;
  lastPosition: string;
};
type Mark = 'contacted' | 'opened' | 'clicked' | 'replied' | 'bounced' | 'unsubscribed';
const counterOf = { contacted: 'leadsContacted', opened: 'opened', clicked: 'clicked', replied: 'replied', bounced: 'bounced', unsubscribed: 'unsubscribed' } as const;
const firstsColumns = ['contacted', 'opened', 'clicked', 'replied', 'bounced', 'unsubscribed', 'lastPosition'] as const satisfies readonly (keyof Firsts)[];

/**
 * Per campaign and UTC day of the event's own time: enrolled, emails sent, and enrollments
 * counted once each on the day of their first send, open, click, reply, bounce and
 * unsubscribe. The same rules as the campaigns projection, so the days of a campaign sum to
 * its totals. Days are only ever added to (deltas pre-aggregated per batch), guarded per
 * enrollment by `campaign_daily_stats_firsts.last_position`.
 */
export const campaignDailyStatsProjection = defineProjection<DB>()({
  name: 'campaign_daily_stats',
  version: 1,
  handles: ['LeadEnrolled', 'EmailSent', 'EmailOpened', 'LinkClicked', 'ReplyReceived', 'EmailBounced', 'LeadUnsubscribed'],
  tables: ['campaign_daily_stats', 'campaign_daily_stats_firsts'],
  readsPersonalData: false,

  async migrate(db, schema) {
    const campaignDailyStats = sql.id(schema, 'campaign_daily_stats');
    await sql`
      create table ${campaignDailyStats} (
        workspace_id uuid not null,
        campaign_id uuid not null,
        day date not null,
        enrolled integer not null default 0,
        emails_sent integer not null default 0,
        leads_contacted integer not null default 0,
        opened integer not null default 0,
        clicked integer not null default 0,
        replied integer not null default 0,
        bounced integer not null default 0,
        unsubscribed integer not null default 0,
        primary key (campaign_id, day)
      )`.execute(db);
    await sql`create index on ${campaignDailyStats} (workspace_id, day)`.execute(db);
    const firsts = sql.id(schema, 'campaign_daily_stats_firsts');
    await sql`
      create table ${firsts} (
        enrollment_id uuid primary key,
        workspace_id uuid not null,
        campaign_id uuid not null,
        lead_id uuid not null,
        contacted boolean not null default false,
        opened boolean not null default false,
        clicked boolean not null default false,
        replied boolean not null default false,
        bounced boolean not null default false,
        unsubscribed boolean not null default false,
        last_position numeric(40, 0) not null default 0
      )`.execute(db);
    await sql`create index on ${firsts} (lead_id)`.execute(db);
  },

  async apply({ db, orderKey, warn }, events) {
    const enrollmentIds = new Set<string>();
    const unsubscribedLeads = new Set<string>();
    for (const event of events) {
      if (event.type !== 'LeadUnsubscribed') enrollmentIds.add(event.data.enrollmentId);
      else if (event.data.campaignId) unsubscribedLeads.add(event.data.leadId);
    }
    const firsts = new Map<string, Firsts>();
    if (enrollmentIds.size || unsubscribedLeads.size) {
      const rows = await db
        .selectFrom('campaignDailyStatsFirsts')
        .selectAll()
        .where((eb) =>
          eb.or([...(enrollmentIds.size ? [eb('enrollmentId', 'in', [...enrollmentIds])] : []), ...(unsubscribedLeads.size ? [eb('leadId', 'in', [...unsubscribedLeads])] : [])]),
        )
        .execute();
      for (const r of rows) firsts.set(r.enrollmentId, r);
    }
    const byLead = (campaignId: string, leadId: string) => `${campaignId}:${leadId}`;
    const enrollmentOf = new Map([...firsts.values()].map((f) => [byLead(f.campaignId, f.leadId), f.enrollmentId]));
    const changed = new Set<string>();
    const days = new Map<string, DayDelta>();

    const add = (f: Firsts, instant: string, counter: Counter) => {
      const day = utcDay(utcInstant(instant));
      const key = `${f.campaignId}:${day}`;
      let delta = days.get(key);
      if (!delta) {
        delta = { workspaceId: f.workspaceId, campaignId: f.campaignId, day, enrolled: 0, emailsSent: 0, leadsContacted: 0, opened: 0, clicked: 0, replied: 0, bounced: 0, unsubscribed: 0 };
        days.set(key, delta);
      }
      delta[counter] += 1;
    };
    /** The enrollment's memory, if this event is new to it. */
    const fresh = (enrollmentId: string, event: (typeof events)[number]): Firsts | null => {
      const f = firsts.get(enrollmentId);
      if (!f) {
        warn('event for an enrollment this projection never saw enrolled; not counted', { enrollmentId, eventId: event.id, type: event.type });
        return null;
      }
      const key = orderKey(event);
      if (!isAfter(key, f.lastPosition)) return null;
      f.lastPosition = key;
      changed.add(enrollmentId);
      return f;
    };
    const first = (f: Firsts, what: Mark, instant: string) => {
      if (f[what]) return;
      f[what] = true;
      add(f, instant, counterOf[what]);
    };

    for (const event of events) {
      switch (event.type) {
        case 'LeadEnrolled': {
          const d = event.data;
          const existing = firsts.get(d.enrollmentId);
          if (existing) {
            if (isAfter(orderKey(event), existing.lastPosition)) warn('lead enrolled twice in one enrollment; counted once', { enrollmentId: d.enrollmentId, eventId: event.id });
            break;
          }
          const f: Firsts = {
            enrollmentId: d.enrollmentId,
            workspaceId: d.workspaceId,
            campaignId: d.campaignId,
            leadId: d.leadId,
            contacted: false,
            opened: false,
            clicked: false,
            replied: false,
            bounced: false,
            unsubscribed: false,
            lastPosition: orderKey(event),
          };
          firsts.set(d.enrollmentId, f);
          enrollmentOf.set(byLead(d.campaignId, d.leadId), d.enrollmentId);
          changed.add(d.enrollmentId);
          add(f, d.enrolledAt, 'enrolled');
          break;
        }
        case 'EmailSent': {
          const f = fresh(event.data.enrollmentId, event);
          if (!f) break;
          add(f, event.data.sentAt, 'emailsSent');
          first(f, 'contacted', event.data.sentAt);
          break;
        }
        case 'EmailOpened': {
          const f = fresh(event.data.enrollmentId, event);
          if (f && !event.data.machine) first(f, 'opened', event.data.openedAt);
          break;
        }
        case 'LinkClicked': {
          const f = fresh(event.data.enrollmentId, event);
          if (!f) break;
          first(f, 'clicked', event.data.clickedAt);
          first(f, 'opened', event.data.clickedAt);
          break;
        }
        case 'ReplyReceived': {
          const f = fresh(event.data.enrollmentId, event);
          if (!f || event.data.kind !== 'HUMAN') break;
          first(f, 'replied', event.data.receivedAt);
          first(f, 'opened', event.data.receivedAt);
          break;
        }
        case 'EmailBounced': {
          const f = fresh(event.data.enrollmentId, event);
          if (f) first(f, 'bounced', event.data.bouncedAt);
          break;
        }
        case 'LeadUnsubscribed': {
          const { campaignId, leadId } = event.data;
          if (!campaignId) break;
          const enrollmentId = enrollmentOf.get(byLead(campaignId, leadId));
          if (!enrollmentId) {
            warn('unsubscribe attributed to a campaign the lead is not enrolled in; not counted', { campaignId, leadId, eventId: event.id });
            break;
          }
          const f = fresh(enrollmentId, event);
          if (f) first(f, 'unsubscribed', event.data.unsubscribedAt);
          break;
        }
        default:
          assertNever(event, 'campaign_daily_stats event');
      }
    }

    const firstsRows = [...changed].map((id) => firsts.get(id) as Firsts);
    await upsertRows(db, 'campaignDailyStatsFirsts', firstsRows, ['enrollmentId'], firstsColumns);
    for (const chunk of inChunks([...days.values()])) {
      await db
        .insertInto('campaignDailyStats')
        .values(chunk)
        .onConflict((oc) =>
          oc.columns(['campaignId', 'day']).doUpdateSet((eb) => ({
            enrolled: eb('campaignDailyStats.enrolled', '+', eb.ref('excluded.enrolled')),
            emailsSent: eb('campaignDailyStats.emailsSent', '+', eb.ref('excluded.emailsSent')),
            leadsContacted: eb('campaignDailyStats.leadsContacted', '+', eb.ref('excluded.leadsContacted')),
            opened: eb('campaignDailyStats.opened', '+', eb.ref('excluded.opened')),
            clicked: eb('campaignDailyStats.clicked', '+', eb.ref('excluded.clicked')),
            replied: eb('campaignDailyStats.replied', '+', eb.ref('excluded.replied')),
            bounced: eb('campaignDailyStats.bounced', '+', eb.ref('excluded.bounced')),
            unsubscribed: eb('campaignDailyStats.unsubscribed', '+', eb.ref('excluded.unsubscribed')),
          })),
        )
        .execute();
    }
  },
});
