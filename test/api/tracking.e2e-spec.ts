import { signTrackingToken } from '@app/tracking';
import { streams } from '@app/events';
import { waitFor } from '@app/testing';
import { ApiTestApp, useApiApp } from '../support/api-app';
import { EMAIL_FIELDS, Session, campaignFixture, countEvents, createLead, markSent, register, streamEvents } from '../support/api-client';

const app = useApiApp();
let api: ApiTestApp;
let rep: Session;
let campaignId: string;

type TrackedEmail = { emailId: string; enrollmentId: string; leadId: string; pixel: string; unsubscribe: string; links: { index: number; url: string; trackingUrl: string }[] };
const EMAIL = `query ($id: ID!) { email(id: $id) { ${EMAIL_FIELDS} } }`;
const browser = 'Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0';

beforeAll(async () => {
  api = app.api;
  rep = await register(api, 'rep');
  ({ campaignId } = await campaignFixture(api, rep));
  await api.ok(`mutation ($id: ID!) { launchCampaign(id: $id) { id } }`, { id: campaignId }, rep.token);
});

/** A sent email of a new lead, with its tracking URLs pointed at the test server. */
async function sentEmail(address: string): Promise<TrackedEmail> {
  const leadId = await createLead(api, rep, address);
  const { enrollLead } = await api.ok<{ enrollLead: { id: string } }>(`mutation ($input: EnrollLeadInput!) { enrollLead(input: $input) { id } }`, { input: { campaignId, leadId } }, rep.token);
  const { sendStep } = await api.ok<{ sendStep: { emails: { id: string }[] } }>(`mutation ($input: SendStepInput!) { sendStep(input: $input) { emails { id } } }`, { input: { enrollmentId: enrollLead.id } }, rep.token);
  const emailId = sendStep.emails[0]?.id as string;
  await markSent(api, { workspaceId: rep.workspaceId, enrollmentId: enrollLead.id, emailId });
  const { email } = await api.ok<{ email: { trackingUrls: Omit<TrackedEmail, 'emailId' | 'enrollmentId' | 'leadId'> } }>(EMAIL, { id: emailId }, rep.token);
  const local = (url: string) => url.replace(api.settings.publicUrl, api.url);
  return {
    emailId,
    enrollmentId: enrollLead.id,
    leadId,
    pixel: local(email.trackingUrls.pixel),
    unsubscribe: local(email.trackingUrls.unsubscribe),
    links: email.trackingUrls.links.map((l) => ({ ...l, trackingUrl: local(l.trackingUrl) })),
  };
}

async function eventTypes(streamId: string): Promise<string[]> {
  return (await streamEvents(api, streamId)).map((e) => e.type);
}

/** The token with one character changed: a valid shape, a broken MAC. */
function altered(url: string): string {
  const token = url.split('/').pop()?.replace(/\.gif$/, '') as string;
  const i = 5;
  const flipped = token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
  return url.replace(token, flipped);
}

describe('GET /t/o/{token}.gif', () => {
  it('answers a 1x1 GIF that is never cached and records a human open with the user agent', async () => {
    const email = await sentEmail('pixel@example.com');
    const response = await fetch(email.pixel, { headers: { 'user-agent': browser } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/gif');
    expect(response.headers.get('cache-control')).toContain('no-store');
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.subarray(0, 6).toString('latin1')).toBe('GIF89a');
    expect(body.readUInt16LE(6)).toBe(1);
    expect(body.readUInt16LE(8)).toBe(1);

    const opened = (await streamEvents(api, streams.enrollment(email.enrollmentId))).find((e) => e.type === 'EmailOpened');
    expect(opened?.data).toMatchObject({ emailId: email.emailId, machine: false, userAgent: browser });
    // The recipient acted, through the signed link: the events say so.
    expect(opened?.metadata).toMatchObject({ tenantId: rep.workspaceId, actorId: `lead:${email.leadId}` });
    await waitFor(async () => (await api.ok<{ email: { openCount: number } }>(EMAIL, { id: email.emailId }, rep.token)).email.openCount === 1, { message: 'open shown' });
  });

  it('records a mail proxy fetch as a machine open', async () => {
    const email = await sentEmail('proxied@example.com');
    await fetch(email.pixel, { headers: { 'user-agent': 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)' } });
    const opened = (await streamEvents(api, streams.enrollment(email.enrollmentId))).find((e) => e.type === 'EmailOpened');
    expect(opened?.data).toMatchObject({ machine: true });
  });

  it('answers 404 and records nothing for a forged or altered token, another kind of token, or no .gif', async () => {
    const email = await sentEmail('forged.pixel@example.com');
    const before = await countEvents(app.database.pool);
    const clickToken = email.links[0]?.trackingUrl.split('/').pop() as string;
    const forged = signTrackingToken('not-the-server-secret-not-the-server-secret', { kind: 'o', emailId: email.emailId });
    for (const url of [altered(email.pixel), `${api.url}/t/o/${forged}.gif`, `${api.url}/t/o/${clickToken}.gif`, email.pixel.replace(/\.gif$/, ''), `${api.url}/t/o/short.gif`]) {
      const response = await fetch(url);
      expect({ url, status: response.status }).toEqual({ url, status: 404 });
    }
    expect(await countEvents(app.database.pool)).toBe(before);
  });
});

describe('GET /t/c/{token}', () => {
  it('records the click and redirects to the URL recorded for that link at send time', async () => {
    const email = await sentEmail('clicker@example.com');
    const demo = email.links.find((l) => l.url === 'https://example.com/demo');
    const response = await fetch(demo?.trackingUrl as string, { redirect: 'manual', headers: { 'user-agent': browser } });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('https://example.com/demo');
    const clicked = (await streamEvents(api, streams.enrollment(email.enrollmentId))).find((e) => e.type === 'LinkClicked');
    expect(clicked?.data).toMatchObject({ emailId: email.emailId, linkIndex: demo?.index, url: 'https://example.com/demo' });
  });

  it('answers 404 and records nothing for a forged token or a link the email does not have (no open redirect)', async () => {
    const email = await sentEmail('forged.click@example.com');
    const before = await countEvents(app.database.pool);
    const unknownLink = signTrackingToken(api.settings.trackingSecret, { kind: 'c', emailId: email.emailId, linkIndex: 99 });
    const unknownEmail = signTrackingToken(api.settings.trackingSecret, { kind: 'c', emailId: '0193f1b6-0000-7000-8000-0000000000aa', linkIndex: 0 });
    for (const url of [altered(email.links[0]?.trackingUrl as string), `${api.url}/t/c/${unknownLink}`, `${api.url}/t/c/${unknownEmail}`, `${api.url}/t/c/https%3A%2F%2Fevil.example`]) {
      const response = await fetch(url, { redirect: 'manual' });
      expect({ url, status: response.status, location: response.headers.get('location') }).toEqual({ url, status: 404, location: null });
    }
    expect(await countEvents(app.database.pool)).toBe(before);
  });
});

describe('/u/{token}', () => {
  it('GET shows a confirmation page with a button that POSTs, and unsubscribes no one', async () => {
    const email = await sentEmail('scanned@example.com');
    const before = await countEvents(app.database.pool);
    const response = await fetch(email.unsubscribe);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toMatch(/<form method="post"/);
    expect(html).toMatch(/<button type="submit">Unsubscribe<\/button>/);
    expect(await countEvents(app.database.pool)).toBe(before);
  });

  it('POST with List-Unsubscribe=One-Click (RFC 8058) unsubscribes the lead, attributed to the email and campaign', async () => {
    const email = await sentEmail('one.click@example.com');
    const response = await fetch(email.unsubscribe, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(response.status).toBe(200);
    const unsubscribed = (await streamEvents(api, streams.lead(email.leadId))).find((e) => e.type === 'LeadUnsubscribed');
    expect(unsubscribed?.data).toMatchObject({ leadId: email.leadId, source: 'ONE_CLICK', emailId: email.emailId, campaignId });
    expect(unsubscribed?.metadata).toMatchObject({ tenantId: rep.workspaceId, actorId: `lead:${email.leadId}` });
    await waitFor(async () => (await api.ok<{ lead: { status: string } }>(`query ($id: ID!) { lead(id: $id) { status } }`, { id: email.leadId }, rep.token)).lead.status === 'UNSUBSCRIBED');

    const again = await fetch(email.unsubscribe, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(again.status).toBe(200);
    expect((await eventTypes(streams.lead(email.leadId))).filter((t) => t === 'LeadUnsubscribed')).toHaveLength(1);
  });

  it('POST from the confirmation page records a LINK unsubscribe', async () => {
    const email = await sentEmail('page.click@example.com');
    const response = await fetch(email.unsubscribe, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'confirm=1' });
    expect(response.status).toBe(200);
    const unsubscribed = (await streamEvents(api, streams.lead(email.leadId))).find((e) => e.type === 'LeadUnsubscribed');
    expect(unsubscribed?.data).toMatchObject({ source: 'LINK' });
  });

  it('answers 404 and records nothing for a forged token or an open token', async () => {
    const email = await sentEmail('forged.unsub@example.com');
    const before = await countEvents(app.database.pool);
    const openToken = email.pixel.split('/').pop()?.replace(/\.gif$/, '') as string;
    for (const url of [altered(email.unsubscribe), `${api.url}/u/${openToken}`]) {
      expect((await fetch(url, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(404);
      expect((await fetch(url)).status).toBe(404);
    }
    expect(await countEvents(app.database.pool)).toBe(before);
  });
});
