import { DB } from '@app/read-store';
import { CampaignStatus, assertNever } from '@app/domain';
import { defineProjection } from '@app/projections';
import { isAfter, upsertRows, utcInstant, utcInstantOrNull } from '../shared/projection-helpers';
import { sql } from 'kysely';

type MailboxRow = {
  mailboxId: string;
  workspaceId: string;
  provider: string;
  address: string;
  displayName: string | null;
  status: 'connected' | 'disconnected';
  disconnectReason: string | null;
  disconnectDetail: string | null;
  limits: string;
  connectedAt: string;
  disconnectedAt: string | null;
  updatedAt: string;
  lastPosition: string;
};
const mailboxColumns = [
  'displayName',
  'status',
  'disconnectReason',
  'disconnectDetail',
  'limits',
  'disconnectedAt',
  'updatedAt',
  'lastPosition',
] as const satisfies readonly (keyof MailboxRow)[];

type SendingRow = {
  campaignId: string;
  workspaceId: string;
  status: CampaignStatus;
  mailboxIds: string;
  sendWindow: string | null;
  timezone: string | null;
  occasion: string | null;
  occasionLabel: string | null;
  sendAtLocalTime: string | null;
  lastPosition: string;
};
const sendingColumns = ['status', 'mailboxIds', 'sendWindow', 'timezone', 'occasion', 'occasionLabel', 'sendAtLocalTime', 'lastPosition'] as const satisfies readonly (keyof SendingRow)[];

const campaignStatusAfter = {
  CampaignLaunched: 'active',
  CampaignResumed: 'active',
  CampaignPaused: 'paused',
  CampaignCompleted: 'completed',
  CampaignArchived: 'archived',
} as const;

/**
 * What sends, from where and when: the workspace's mailboxes (connection status and limits,
 * the mailboxes screen) and each campaign's sending settings (its mailboxes, send window, time
 * zone and occasion, for the occasion job and the count of emails waiting for a mailbox).
 */
export const mailboxesProjection = defineProjection<DB>()({
  name: 'mailboxes',
  version: 1,
  handles: [
    'MailboxConnected',
    'MailboxLimitsSet',
    'MailboxDisconnected',
    'MailboxReconnected',
    'CampaignCreated',
    'CampaignLaunched',
    'CampaignPaused',
    'CampaignResumed',
    'CampaignCompleted',
    'CampaignArchived',
    'CampaignSendingConfigured',
    'CampaignOccasionSet',
  ],
  tables: ['mailboxes', 'campaign_sending'],
  readsPersonalData: false,

  async migrate(db, schema) {
    const mailboxes = sql.id(schema, 'mailboxes');
    await sql`
      create table ${mailboxes} (
        mailbox_id uuid primary key,
        workspace_id uuid not null,
        provider text not null,
        address text not null,
        display_name text,
        status text not null,
        disconnect_reason text,
        disconnect_detail text,
        limits jsonb not null,
        connected_at timestamptz not null,
        disconnected_at timestamptz,
        updated_at timestamptz not null,
        last_position numeric(40, 0) not null default 0
      )`.execute(db);
    await sql`create index on ${mailboxes} (workspace_id, address)`.execute(db);
    const sending = sql.id(schema, 'campaign_sending');
    await sql`
      create table ${sending} (
        campaign_id uuid primary key,
        workspace_id uuid not null,
        status text not null,
        mailbox_ids jsonb not null,
        send_window jsonb,
        timezone text,
        occasion text,
        occasion_label text,
        send_at_local_time text,
        last_position numeric(40, 0) not null default 0
      )`.execute(db);
    await sql`create index on ${sending} (workspace_id)`.execute(db);
    await sql`create index on ${sending} (status) where occasion is not null`.execute(db);
  },

  async apply({ db, orderKey, warn }, events) {
    const mailboxIds = new Set<string>();
    const campaignIds = new Set<string>();
    for (const event of events) {
      if ('mailboxId' in event.data) mailboxIds.add(event.data.mailboxId);
      else campaignIds.add(event.data.campaignId);
    }
    const mailboxes = new Map<string, MailboxRow>();
    if (mailboxIds.size) {
      for (const r of await db.selectFrom('mailboxes').selectAll().where('mailboxId', 'in', [...mailboxIds]).execute()) {
        mailboxes.set(r.mailboxId, {
          ...r,
          status: r.status === 'disconnected' ? 'disconnected' : 'connected',
          limits: JSON.stringify(r.limits),
          connectedAt: utcInstant(r.connectedAt),
          disconnectedAt: utcInstantOrNull(r.disconnectedAt),
          updatedAt: utcInstant(r.updatedAt),
        });
      }
    }
    const campaigns = new Map<string, SendingRow>();
    if (campaignIds.size) {
      for (const r of await db.selectFrom('campaignSending').selectAll().where('campaignId', 'in', [...campaignIds]).execute()) {
        campaigns.set(r.campaignId, {
          ...r,
          status: r.status as CampaignStatus,
          mailboxIds: JSON.stringify(r.mailboxIds),
          sendWindow: r.sendWindow === null ? null : JSON.stringify(r.sendWindow),
        });
      }
    }
    const changedMailboxes = new Set<string>();
    const changedCampaigns = new Set<string>();
    const freshMailbox = (event: (typeof events)[number], mailboxId: string): MailboxRow | null => {
      const row = mailboxes.get(mailboxId);
      if (!row) {
        warn('event for an unknown mailbox; ignored', { mailboxId, eventId: event.id, type: event.type });
        return null;
      }
      const key = orderKey(event);
      if (!isAfter(key, row.lastPosition)) return null;
      row.lastPosition = key;
      changedMailboxes.add(mailboxId);
      return row;
    };
    const freshCampaign = (event: (typeof events)[number], campaignId: string): SendingRow | null => {
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

    for (const event of events) {
      switch (event.type) {
        case 'MailboxConnected': {
          const d = event.data;
          const existing = mailboxes.get(d.mailboxId);
          if (existing) {
            if (isAfter(orderKey(event), existing.lastPosition)) warn('mailbox connected twice; the first connection stands', { mailboxId: d.mailboxId, eventId: event.id });
            break;
          }
          mailboxes.set(d.mailboxId, {
            mailboxId: d.mailboxId,
            workspaceId: d.workspaceId,
            provider: d.provider,
            address: d.address,
            displayName: d.displayName ?? null,
            status: 'connected',
            disconnectReason: null,
            disconnectDetail: null,
            limits: JSON.stringify(d.limits),
            connectedAt: utcInstant(d.connectedAt),
            disconnectedAt: null,
            updatedAt: utcInstant(d.connectedAt),
            lastPosition: orderKey(event),
          });
          changedMailboxes.add(d.mailboxId);
          break;
        }
        case 'MailboxLimitsSet': {
          const row = freshMailbox(event, event.data.mailboxId);
          if (row) Object.assign(row, { limits: JSON.stringify(event.data.limits), updatedAt: utcInstant(event.data.setAt) });
          break;
        }
        case 'MailboxDisconnected': {
          const row = freshMailbox(event, event.data.mailboxId);
          if (!row) break;
          const at = utcInstant(event.data.disconnectedAt);
          Object.assign(row, { status: 'disconnected', disconnectReason: event.data.reason, disconnectDetail: event.data.detail ?? null, disconnectedAt: at, updatedAt: at });
          break;
        }
        case 'MailboxReconnected': {
          const row = freshMailbox(event, event.data.mailboxId);
          if (row) Object.assign(row, { status: 'connected', disconnectReason: null, disconnectDetail: null, disconnectedAt: null, updatedAt: utcInstant(event.data.reconnectedAt) });
          break;
        }
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
            status: 'draft',
            mailboxIds: '[]',
            sendWindow: null,
            timezone: null,
            occasion: null,
            occasionLabel: null,
            sendAtLocalTime: null,
            lastPosition: orderKey(event),
          });
          changedCampaigns.add(d.campaignId);
          break;
        }
        case 'CampaignLaunched':
        case 'CampaignPaused':
        case 'CampaignResumed':
        case 'CampaignCompleted':
        case 'CampaignArchived': {
          const row = freshCampaign(event, event.data.campaignId);
          if (row) row.status = campaignStatusAfter[event.type];
          break;
        }
        case 'CampaignSendingConfigured': {
          const row = freshCampaign(event, event.data.campaignId);
          if (!row) break;
          const d = event.data;
          Object.assign(row, { mailboxIds: JSON.stringify(d.mailboxIds), sendWindow: d.sendWindow ? JSON.stringify(d.sendWindow) : null, timezone: d.timezone });
          break;
        }
        case 'CampaignOccasionSet': {
          const row = freshCampaign(event, event.data.campaignId);
          if (!row) break;
          const d = event.data;
          Object.assign(row, { occasion: d.occasion, occasionLabel: d.customLabel ?? null, sendAtLocalTime: d.sendAtLocalTime });
          break;
        }
        default:
          assertNever(event, 'mailboxes event');
      }
    }

    const mailboxRows = [...changedMailboxes].map((id) => mailboxes.get(id) as MailboxRow);
    await upsertRows(db, 'mailboxes', mailboxRows, ['mailboxId'], mailboxColumns);
    const sendingRows = [...changedCampaigns].map((id) => campaigns.get(id) as SendingRow);
    await upsertRows(db, 'campaignSending', sendingRows, ['campaignId'], sendingColumns);
  },
});
