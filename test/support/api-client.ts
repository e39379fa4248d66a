import { Pool } from 'pg';
import jwt from 'jsonwebtoken';
import { randomUUID } from 'node:crypto';
import { EnrollmentUseCases } from '@app/application';
import { Role } from '@app/events';
import { EventStore, RecordedEvent } from '@app/event-store';
import { EVENT_STORE } from '@app/platform';
import { ApiTestApp } from './api-app';

export type Session = { token: string; userId: string; workspaceId: string };

/** Registers a new user with their own workspace (its owner) and returns their access token. */
export async function register(api: ApiTestApp, label = 'rep'): Promise<Session> {
  const unique = randomUUID().slice(0, 8);
  const data = await api.ok<{ register: { accessToken: string; user: { id: string }; workspace: { id: string } } }>(
    `mutation ($input: RegisterInput!) { register(input: $input) { accessToken user { id } workspace { id } } }`,
    { input: { email: `${label}-${unique}@example.com`, password: 'correct horse battery', name: `${label} ${unique}`, workspaceName: `${label}'s team` } },
  );
  return { token: data.register.accessToken, userId: data.register.user.id, workspaceId: data.register.workspace.id };
}

/**
 * An access token for another role in the same workspace, signed like the API signs them. The
 * guard trusts the role in a valid token, so this exercises role checks without member admin.
 */
export function tokenWithRole(api: ApiTestApp, session: Session, role: Role): string {
  return jwt.sign({ ws: session.workspaceId, role }, api.settings.jwtSecret, { algorithm: 'HS256', subject: session.userId, issuer: 'sales-email-copilot', expiresIn: 900 });
}

/** How many events the log holds: an error must leave it unchanged. */
export async function countEvents(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ count: string }>('select count(*) as count from es_events');
  return Number(rows[0]?.count ?? 0);
}

export const TEMPLATE_FIELDS = 'id name subject body category revision';
export const SEQUENCE_FIELDS = 'id name stepCount createdAt steps { index delay condition variants { key templateId weight } }';
export const CAMPAIGN_FIELDS =
  'id name status stopOnReply sequenceId launchedAt pausedAt archivedAt counters { enrolled active completed stopped emailsSent leadsContacted opened clicked replied bounced unsubscribed failed } rates { openRate clickRate replyRate bounceRate unsubscribeRate }';
export const LEAD_FIELDS = 'id email firstName lastName company title timezone customFields { key value } status suppressionReason unsubscribedAt source';
export const ENROLLMENT_FIELDS = 'id campaignId leadId status stopReason currentStep stepCount nextDueAt emailsSent';
export const EMAIL_FIELDS =
  'id enrollmentId leadId campaignId stepIndex to subject body status sentAt openCount machineOpenCount firstOpenedAt clickCount repliedAt bouncedAt bounceKind trackingUrls { pixel unsubscribe links { index url trackingUrl } }';

type Ids = { templateId: string; sequenceId: string; campaignId: string };

/** A template with a link, a one- or two-step sequence, and a draft campaign sending it. */
export async function campaignFixture(api: ApiTestApp, session: Session, options: { steps?: number; name?: string } = {}): Promise<Ids> {
  const { createTemplate } = await api.ok<{ createTemplate: { id: string } }>(
    `mutation ($input: CreateTemplateInput!) { createTemplate(input: $input) { id } }`,
    { input: { name: 'Intro', subject: 'Hello {{firstName}}', body: '<p>Hi {{firstName}}, see <a href="https://example.com/pricing">our pricing</a> and <a href="https://example.com/demo">a demo</a>.</p>', category: 'COLD_OUTREACH' } },
    session.token,
  );
  const steps = [{ templateId: createTemplate.id, delay: 'PT0S', condition: 'ALWAYS' }];
  if ((options.steps ?? 1) > 1) steps.push({ templateId: createTemplate.id, delay: 'P2D', condition: 'IF_NOT_REPLIED' });
  const { createSequence } = await api.ok<{ createSequence: { id: string } }>(
    `mutation ($input: CreateSequenceInput!) { createSequence(input: $input) { id } }`,
    { input: { name: 'Outreach', steps } },
    session.token,
  );
  const { createCampaign } = await api.ok<{ createCampaign: { id: string } }>(
    `mutation ($input: CreateCampaignInput!) { createCampaign(input: $input) { id } }`,
    { input: { name: options.name ?? 'Q3 outreach', sequenceId: createSequence.id } },
    session.token,
  );
  return { templateId: createTemplate.id, sequenceId: createSequence.id, campaignId: createCampaign.id };
}

export async function createLead(api: ApiTestApp, session: Session, email: string, extra: Record<string, unknown> = {}): Promise<string> {
  const { createLead } = await api.ok<{ createLead: { id: string } }>(
    `mutation ($input: CreateLeadInput!) { createLead(input: $input) { id } }`,
    { input: { email, firstName: 'Ada', ...extra } },
    session.token,
  );
  return createLead.id;
}

/**
 * Plays the delivery worker (the schedulers are not running in API tests): records the email as
 * sent, through the same use case the worker calls.
 */
export async function markSent(api: ApiTestApp, email: { workspaceId: string; enrollmentId: string; emailId: string }): Promise<void> {
  await api.app.get(EnrollmentUseCases).recordSent({ ...email, transport: 'test', providerMessageId: `test-${email.emailId}`, sentAt: new Date().toISOString() });
}

/** The events of one stream, decoded, for asserting what a request appended. */
export async function streamEvents(api: ApiTestApp, streamId: string): Promise<RecordedEvent[]> {
  return api.app.get<EventStore>(EVENT_STORE).readStream(streamId);
}
