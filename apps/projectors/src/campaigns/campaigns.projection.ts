import { DB } from '@app/read-store';
import { CampaignStatus, assertNever } from '@app/domain';
import { defineProjection } from '@app/projections';
import { isAfter, upsertRows, utcInstant, utcInstantOrNull } from '../shared/projection-helpers';
import { sql } from 'kysely';

type CampaignRow = {
  campaignId: string;
  workspaceId: string;
  name: string;
  sequenceId: string;
  status: CampaignStatus;
  stopOnReply: boolean;
  createdAt: string;
  launchedAt: string | null;
  pausedAt: string | null;
  completedAt: string | null;
  archivedAt: string | null;
  enrolled: number;
  active: number;
  completed: number;
  stopped: number;
  emailsSent: number;
  leadsContacted: number;
  opened: number;
  clicked: number;
  replied: number;
  bounced: number;
  unsubscribed: number;
  failed: number;
  lastPosition: string;
};

/** What an enrollment has already been counted for: the "unique per enrollment" counters. */
type Firsts = {
  enrollmentId: string;
  campaignId: string;
  leadId: string;
  contacted: boolean;
  opened: boolean;
  clicked: boolean;
  replied: boolean;
  bounced: boolean;
  unsubscribed: boolean;
};
type Mark = 'contacted' | 'opened' | 'clicked' | 'replied' | 'bounced' | 'unsubscribed';
const counterOf = { contacted: 'leadsContacted', opened: 'opened', clicked: 'clicked', replied: 'replied', bounced: 'bounced', unsubscribed: 'unsubscribed' } as const;

const campaignColumns = [
  'workspaceId',
  'name',
  'sequenceId',
  'status',
  'stopOnReply',
  'createdAt',
  'launchedAt',
  'pausedAt',
  'completedAt',
  'archivedAt',
  'enrolled',
  'active',
  'completed',
  'stopped',
  'emailsSent',
  'leadsContacted',
  'opened',
  'clicked',
  'replied',
  'bounced',
  'unsubscribed',
  'failed',
  'lastPosition',
] as const satisfies readonly (keyof CampaignRow)[];
const firstsColumns = ['contacted', 'opened', 'clicked', 'replied', 'bounced', 'unsubscribed'] as const satisfies readonly (keyof Firsts)[];

/**
 * Campaigns with their lifecycle and counters. Counters count enrollments (unique leads of the
 * campaign), except emails_sent and failed which count emails. `campaign_enrollment_firsts`
 * remembers what each enrollment was already counted for.
 */
export const campaignsProjection = defineProjection<DB>()({
  name: 'campaigns',
  version: 1,
  handles: [
    'CampaignCreated',
    'CampaignLaunched',
    'CampaignPaused',
    'CampaignResumed',
    'CampaignCompleted',
    'CampaignArchived',
    'LeadEnrolled',
    'EmailSent',
    'EmailFailed',
    'EmailOpened',
    'LinkClicked',
    'ReplyReceived',
    'EmailBounced',
    'EnrollmentCompleted',
    'EnrollmentStopped',
    'LeadUnsubscribed',
  ],
  tables: ['campaigns', 'campaign_enrollment_firsts'],
  readsPersonalData: false,

  async migrate(db, schema) {
    const campaigns = sql.id(schema, 'campaigns');
    await sql`
      create table ${campaigns} (
        campaign_id uuid primary key,
        workspace_id uuid not null,
        name text not null,
        sequence_id uuid not null,
        status text not null,
        stop_on_reply boolean not null,
        created_at timestamptz not null,
        launched_at timestamptz,
        paused_at timestamptz,
        completed_at timestamptz,
        archived_at timestamptz,
        enrolled integer not null default 0,
        active integer not null default 0,
        completed integer not null default 0,
        stopped integer not null default 0,
        emails_sent integer not null default 0,
        leads_contacted integer not null default 0,
        opened integer not null default 0,
        clicked integer not null default 0,
        replied integer not null default 0,
        bounced integer not null default 0,
        unsubscribed integer not null default 0,
        failed integer not null default 0,
        last_position numeric(40, 0) not null default 0
      )`.execute(db);
    await sql`create index on ${campaigns} (workspace_id, created_at, campaign_id)`.execute(db);
    const firsts = sql.id(schema, 'campaign_enrollment_firsts');
    await sql`
      create table ${firsts} (
        enrollment_id uuid primary key,
        campaign_id uuid not null,
        lead_id uuid not null,
        contacted boolean not null default false,
        opened boolean not null default false,
        clicked boolean not null default false,
        replied boolean not null default false,
        bounced boolean not null default false,
        unsubscribed boolean not null default false
      )`.execute(db);
    await sql`create index on ${firsts} (lead_id)`.execute(db);
  },

  async apply({ db, orderKey, warn }, events) {
    const campaignIds = new Set<string>();
    const enrollmentIds = new Set<string>();
    const unsubscribedLeads = new Set<string>();
    for (const event of events) {
      if (event.type === 'LeadUnsubscribed') {
        if (event.data.campaignId) {
          campaignIds.add(event.data.campaignId);
          unsubscribedLeads.add(event.data.leadId);
        }
        continue;
      }
      campaignIds.add(event.data.campaignId);
      if ('enrollmentId' in event.data) enrollmentIds.add(event.data.enrollmentId);
    }

    // Load what the batch touches, fold the batch in memory, write back in one statement each.
    const campaigns = new Map<string, CampaignRow>();
    if (campaignIds.size) {
      for (const r of await db.selectFrom('campaigns').selectAll().where('campaignId', 'in', [...campaignIds]).execute()) {
        campaigns.set(r.campaignId, {
          ...r,
          status: r.status as CampaignStatus,
          createdAt: utcInstant(r.createdAt),
          launchedAt: utcInstantOrNull(r.launchedAt),
          pausedAt: utcInstantOrNull(r.pausedAt),
          completedAt: utcInstantOrNull(r.completedAt),
          archivedAt: utcInstantOrNull(r.archivedAt),
        });
      }
    }
    const firsts = new Map<string, Firsts>();
    if (enrollmentIds.size || unsubscribedLeads.size) {
      const rows = await db
        .selectFrom('campaignEnrollmentFirsts')
        .selectAll()
        .where((eb) => eb.or([...(enrollmentIds.size ? [eb('enrollmentId', 'in', [...enrollmentIds])] : []), ...(unsubscribedLeads.size ? [eb('leadId', 'in', [...unsubscribedLeads])] : [])]))
        .execute();
      for (const r of rows) firsts.set(r.enrollmentId, r);
    }
    const byLead = (campaignId: string, leadId: string) => `${campaignId}:${leadId}`;
    const enrollmentOf = new Map([...firsts.values()].map((f) => [byLead(f.campaignId, f.leadId), f.enrollmentId]));
    const changedCampaigns = new Set<string>();
    const changedFirsts = new Set<string>();

    /** The campaign row, if this event is new to it (else it was applied before). */
    const fresh = (campaignId: string, event: (typeof events)[number]): CampaignRow | null => {
      const row = campaigns.get(campaignId);
      if (!row) {
        warn('event for an unknown campaign; ignored', { campaignId, eventId: event.id, type: event.type });
        return null;
      }
      const key = orderKey(event);
      if (!isAfter(key, row.lastPosition)) return null;
      row.lastPosition = key;
      changedCampaigns.add(campaignId);
      return row;
    };
    const mark = (row: CampaignRow, enrollmentId: string, what: Mark, event: (typeof events)[number]) => {
      const seen = firsts.get(enrollmentId);
      if (!seen) {
        warn('event for an enrollment this projection never saw enrolled; its unique counters are not updated', { enrollmentId, eventId: event.id, type: event.type });
        return;
      }
      if (seen[what]) return;
      seen[what] = true;
      row[counterOf[what]] += 1;
      changedFirsts.add(enrollmentId);
    };
    const finish = (row: CampaignRow, event: (typeof events)[number]) => {
      if (row.active > 0) row.active -= 1;
      else warn('active count would drop below zero; kept at zero', { campaignId: row.campaignId, eventId: event.id, type: event.type });
    };

    for (const event of events) {
      switch (event.type) {
        case 'CampaignCreated': {
          const d = event.data;
          const existing = campaigns.get(d.campaignId);
          if (existing) {
            if (isAfter(orderKey(event), existing.lastPosition)) warn('campaign created twice; the first creation stands', { campaignId: d.campaignId, eventId: event.id });
            break;
          }
          campaigns.set(d.campaignId, {
            campaignId: d.campaignId,
            workspaceId: d.workspaceId,
            name: d.name,
            sequenceId: d.sequenceId,
            status: 'draft',
            stopOnReply: d.stopOnReply,
            createdAt: utcInstant(d.createdAt),
            launchedAt: null,
            pausedAt: null,
            completedAt: null,
            archivedAt: null,
            enrolled: 0,
            active: 0,
            completed: 0,
            stopped: 0,
            emailsSent: 0,
            leadsContacted: 0,
            opened: 0,
            clicked: 0,
            replied: 0,
            bounced: 0,
            unsubscribed: 0,
            failed: 0,
            lastPosition: orderKey(event),
          });
          changedCampaigns.add(d.campaignId);
          break;
        }
        case 'CampaignLaunched': {
          const row = fresh(event.data.campaignId, event);
          if (row) Object.assign(row, { status: 'active', launchedAt: utcInstant(event.data.launchedAt) });
          break;
        }
        case 'CampaignPaused': {
          const row = fresh(event.data.campaignId, event);
          if (row) Object.assign(row, { status: 'paused', pausedAt: utcInstant(event.data.pausedAt) });
          break;
        }
        case 'CampaignResumed': {
          // paused_at tells since when a campaign is paused: cleared when it resumes.
          const row = fresh(event.data.campaignId, event);
          if (row) Object.assign(row, { status: 'active', pausedAt: null });
          break;
        }
        case 'CampaignCompleted': {
          const row = fresh(event.data.campaignId, event);
          if (row) Object.assign(row, { status: 'completed', completedAt: utcInstant(event.data.completedAt) });
          break;
        }
        case 'CampaignArchived': {
          const row = fresh(event.data.campaignId, event);
          if (row) Object.assign(row, { status: 'archived', archivedAt: utcInstant(event.data.archivedAt) });
          break;
        }
        case 'LeadEnrolled': {
          const d = event.data;
          const row = fresh(d.campaignId, event);
          if (!row) break;
          row.enrolled += 1;
          row.active += 1;
          if (!firsts.has(d.enrollmentId)) {
            firsts.set(d.enrollmentId, {
              enrollmentId: d.enrollmentId,
              campaignId: d.campaignId,
              leadId: d.leadId,
              contacted: false,
              opened: false,
              clicked: false,
              replied: false,
              bounced: false,
              unsubscribed: false,
            });
            enrollmentOf.set(byLead(d.campaignId, d.leadId), d.enrollmentId);
            changedFirsts.add(d.enrollmentId);
          }
          break;
        }
        case 'EmailSent': {
          const row = fresh(event.data.campaignId, event);
          if (!row) break;
          row.emailsSent += 1;
          mark(row, event.data.enrollmentId, 'contacted', event);
          break;
        }
        case 'EmailFailed': {
          const row = fresh(event.data.campaignId, event);
          if (row) row.failed += 1;
          break;
        }
        case 'EmailOpened': {
          // A proxy or scanner fetching the pixel is not a person reading.
          const row = fresh(event.data.campaignId, event);
          if (row && !event.data.machine) mark(row, event.data.enrollmentId, 'opened', event);
          break;
        }
        case 'LinkClicked': {
          // A click implies the email was opened, even when the pixel was blocked.
          const row = fresh(event.data.campaignId, event);
          if (!row) break;
          mark(row, event.data.enrollmentId, 'clicked', event);
          mark(row, event.data.enrollmentId, 'opened', event);
          break;
        }
        case 'ReplyReceived': {
          const row = fresh(event.data.campaignId, event);
          if (!row || event.data.kind !== 'HUMAN') break;
          mark(row, event.data.enrollmentId, 'replied', event);
          mark(row, event.data.enrollmentId, 'opened', event);
          break;
        }
        case 'EmailBounced': {
          const row = fresh(event.data.campaignId, event);
          if (row) mark(row, event.data.enrollmentId, 'bounced', event);
          break;
        }
        case 'EnrollmentCompleted': {
          const row = fresh(event.data.campaignId, event);
          if (!row) break;
          row.completed += 1;
          finish(row, event);
          break;
        }
        case 'EnrollmentStopped': {
          const row = fresh(event.data.campaignId, event);
          if (!row) break;
          row.stopped += 1;
          finish(row, event);
          break;
        }
        case 'LeadUnsubscribed': {
          // Attributed to the campaign whose email carried the link: unique leads per campaign.
          const { campaignId, leadId } = event.data;
          if (!campaignId) break;
          const row = fresh(campaignId, event);
          if (!row) break;
          const enrollmentId = enrollmentOf.get(byLead(campaignId, leadId));
          if (!enrollmentId) {
            warn('unsubscribe attributed to a campaign the lead is not enrolled in; not counted', { campaignId, leadId, eventId: event.id });
            break;
          }
          mark(row, enrollmentId, 'unsubscribed', event);
          break;
        }
        default:
          assertNever(event, 'campaigns event');
      }
    }

    const campaignRows = [...changedCampaigns].map((id) => campaigns.get(id) as CampaignRow);
    await upsertRows(db, 'campaigns', campaignRows, ['campaignId'], campaignColumns);
    const firstsRows = [...changedFirsts].map((id) => firsts.get(id) as Firsts);
    await upsertRows(db, 'campaignEnrollmentFirsts', firstsRows, ['enrollmentId'], firstsColumns);
  },
});
