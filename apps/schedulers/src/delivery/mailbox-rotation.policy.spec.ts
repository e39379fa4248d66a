import { MailboxLimits } from '@app/events';
import { MailboxForSending, MailboxFacts, chooseMailbox, dailyAllowance, earliestSend, routeFor, spacingAfter } from './mailbox-rotation.policy';

const now = new Date('2025-03-10T12:00:00.000Z');
const at = (ms: number) => new Date(now.getTime() + ms);
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const gmail: MailboxLimits = { perDay: 500, perMinute: 20, minSpacingSeconds: 20, jitterSeconds: 30, rampUp: { startPerDay: 20, increasePerDay: 10 } };
const idle = { lastDay: 0, oldestInDay: null, lastMinute: 0, oldestInMinute: null, notBefore: null };
const mailbox = (over: Partial<MailboxForSending> = {}): MailboxForSending => ({
  mailboxId: 'm1',
  address: 'grace@acme.test',
  limits: gmail,
  connectedAt: at(-30 * DAY).toISOString(),
  usage: idle,
  ...over,
});

describe('the daily allowance', () => {
  it('ramps up from the start a day, growing each whole day since the mailbox was connected', () => {
    expect(dailyAllowance(gmail, now.toISOString(), now)).toBe(20);
    expect(dailyAllowance(gmail, at(-DAY + 1).toISOString(), now)).toBe(20);
    expect(dailyAllowance(gmail, at(-DAY).toISOString(), now)).toBe(30);
    expect(dailyAllowance(gmail, at(-10 * DAY).toISOString(), now)).toBe(120);
  });

  it('never passes the daily ceiling, and is the ceiling without a ramp-up', () => {
    expect(dailyAllowance(gmail, at(-365 * DAY).toISOString(), now)).toBe(500);
    expect(dailyAllowance({ ...gmail, rampUp: null }, now.toISOString(), now)).toBe(500);
  });
});

describe('when a mailbox may send', () => {
  it('is now when every limit allows it', () => {
    expect(earliestSend(mailbox(), now)).toEqual({ at: now, why: null });
  });

  it('waits for the oldest send of the rolling day to leave it once the day is full', () => {
    const full = mailbox({ connectedAt: at(-2 * DAY).toISOString(), usage: { ...idle, lastDay: 40, oldestInDay: at(-20 * HOUR) } });
    expect(earliestSend(full, now)).toEqual({ at: at(4 * HOUR), why: 'grace@acme.test reached its daily limit of 40 (ramping up: 40 a day so far, 500 at most)' });
  });

  it('waits for the minute to pass once the per-minute limit is reached', () => {
    const busy = mailbox({ usage: { ...idle, lastDay: 25, oldestInDay: at(-HOUR), lastMinute: 20, oldestInMinute: at(-45_000) } });
    expect(earliestSend(busy, now)).toEqual({ at: at(15_000), why: 'grace@acme.test reached its limit of 20 a minute' });
  });

  it('keeps the spacing the last send asked for', () => {
    const spaced = mailbox({ usage: { ...idle, lastDay: 1, oldestInDay: at(-10_000), lastMinute: 1, oldestInMinute: at(-10_000), notBefore: at(25_000) } });
    expect(earliestSend(spaced, now)).toEqual({ at: at(25_000), why: 'grace@acme.test spaces its sends' });
  });

  it('takes the latest of several waits', () => {
    const both = mailbox({ usage: { lastDay: 500, oldestInDay: at(-23 * HOUR), lastMinute: 20, oldestInMinute: at(-1000), notBefore: at(5000) } });
    expect(earliestSend(both, now).at).toEqual(at(HOUR));
  });
});

describe('the spacing after a send', () => {
  it('is the minimum plus a random share of the jitter', () => {
    expect(spacingAfter(gmail, now, 0)).toEqual(at(20_000));
    expect(spacingAfter(gmail, now, 0.5)).toEqual(at(35_000));
    expect(spacingAfter(gmail, now, 1)).toEqual(at(50_000));
    expect(spacingAfter({ ...gmail, minSpacingSeconds: 0, jitterSeconds: 0 }, now, 0.7)).toEqual(now);
  });
});

describe('rotation over the campaign’s mailboxes', () => {
  const a = mailbox({ mailboxId: 'a', address: 'a@acme.test', usage: { ...idle, lastDay: 7, oldestInDay: at(-HOUR) } });
  const b = mailbox({ mailboxId: 'b', address: 'b@acme.test', usage: { ...idle, lastDay: 3, oldestInDay: at(-HOUR) } });

  it('sends from the mailbox that sent least today among those that may send now', () => {
    expect(chooseMailbox([a, b], now, 0)).toEqual({ kind: 'send', mailboxId: 'b', notBefore: at(20_000) });
  });

  it('keeps the given order on a tie', () => {
    expect(chooseMailbox([a, { ...b, usage: a.usage }], now, 0)).toMatchObject({ mailboxId: 'a' });
  });

  it('skips a mailbox that must wait', () => {
    const spacedB = { ...b, usage: { ...b.usage, notBefore: at(10_000) } };
    expect(chooseMailbox([a, spacedB], now, 0)).toMatchObject({ kind: 'send', mailboxId: 'a' });
  });

  it('waits for the soonest mailbox when none may send: deferred, never failed', () => {
    const spacedA = { ...a, usage: { ...a.usage, notBefore: at(30_000) } };
    const spacedB = { ...b, usage: { ...b.usage, notBefore: at(10_000) } };
    expect(chooseMailbox([spacedA, spacedB], now, 0)).toEqual({ kind: 'wait', until: at(10_000), why: 'b@acme.test spaces its sends' });
  });
});

describe('the route of an email', () => {
  const connected = (id: string, over: Partial<MailboxFacts> = {}): MailboxFacts => ({
    mailboxId: id,
    providerConfigured: true,
    state: { status: 'connected', mailboxId: id, workspaceId: 'w', provider: 'GMAIL', address: `${id}@acme.test`, limits: gmail, connectedAt: now.toISOString() },
    ...over,
  });
  const revoked = (id: string): MailboxFacts => ({
    mailboxId: id,
    providerConfigured: true,
    state: { status: 'disconnected', reason: 'REVOKED', mailboxId: id, workspaceId: 'w', provider: 'GMAIL', address: `${id}@acme.test`, limits: gmail, connectedAt: now.toISOString() },
  });

  it('is the default transport when the campaign names no mailbox', () => {
    expect(routeFor({ campaignMailboxIds: [], reservedOn: null, threadMailboxId: null, mailboxes: [] })).toEqual({ kind: 'default' });
  });

  it('rotates over the connected mailboxes of the campaign, leaving out a revoked one', () => {
    expect(routeFor({ campaignMailboxIds: ['a', 'b', 'c'], reservedOn: null, threadMailboxId: null, mailboxes: [connected('a'), revoked('b'), connected('c')] })).toEqual({
      kind: 'mailboxes',
      candidates: ['a', 'c'],
    });
  });

  it('waits, saying why, when no mailbox of the campaign can send', () => {
    expect(routeFor({ campaignMailboxIds: ['b', 'x'], reservedOn: null, threadMailboxId: null, mailboxes: [revoked('b')] })).toEqual({
      kind: 'wait',
      why: 'waiting for a mailbox of the campaign to be connected: b@acme.test (disconnected: access revoked, connect it again), mailbox x (not found)',
    });
    expect(routeFor({ campaignMailboxIds: ['a'], reservedOn: null, threadMailboxId: null, mailboxes: [connected('a', { providerConfigured: false })] })).toMatchObject({
      kind: 'wait',
      why: expect.stringContaining('a@acme.test (Gmail is not configured on the schedulers)'),
    });
  });

  it('keeps a follow-up on the mailbox of the first email, waiting for it if it was revoked', () => {
    expect(routeFor({ campaignMailboxIds: ['a', 'b'], reservedOn: null, threadMailboxId: 'b', mailboxes: [connected('a'), connected('b')] })).toEqual({ kind: 'mailboxes', candidates: ['b'] });
    expect(routeFor({ campaignMailboxIds: ['a', 'b'], reservedOn: null, threadMailboxId: 'b', mailboxes: [connected('a'), revoked('b')] })).toMatchObject({ kind: 'wait' });
  });

  it('rotates a follow-up whose first mailbox was taken out of the campaign', () => {
    expect(routeFor({ campaignMailboxIds: ['a'], reservedOn: null, threadMailboxId: 'b', mailboxes: [connected('a'), connected('b')] })).toEqual({ kind: 'mailboxes', candidates: ['a'] });
  });

  it('keeps an email already handed to a mailbox on it', () => {
    expect(routeFor({ campaignMailboxIds: ['a', 'b'], reservedOn: 'b', threadMailboxId: null, mailboxes: [connected('a'), connected('b')] })).toEqual({ kind: 'mailboxes', candidates: ['b'] });
    expect(routeFor({ campaignMailboxIds: ['a'], reservedOn: 'b', threadMailboxId: null, mailboxes: [connected('a'), revoked('b')] })).toMatchObject({ kind: 'wait' });
  });
});
