import { MailboxAuthError, ProviderRateLimited, TransportError } from '@app/mail';
import { DeliveryFacts, HOLD_WHILE_PAUSED_MS, afterSendFailure, decideDelivery, mailboxProblem, sendRetryDelayMs, sendWindowHold } from './delivery.policy';
import { parseDeliveryJob } from './delivery-job';

const ready: DeliveryFacts = { email: 'queued', personalDataErased: false, enrollment: 'active', campaign: 'active', lead: 'contactable', suppressed: null };

describe('a queued email', () => {
  it('is sent when everything is as it was when it was queued', () => {
    expect(decideDelivery(ready)).toEqual({ kind: 'send' });
  });

  it('is skipped once it was sent or failed, or when no such email was queued', () => {
    expect(decideDelivery({ ...ready, email: 'sent' })).toMatchObject({ kind: 'skip' });
    expect(decideDelivery({ ...ready, email: 'failed' })).toMatchObject({ kind: 'skip' });
    expect(decideDelivery({ ...ready, email: 'unknown' })).toMatchObject({ kind: 'skip' });
  });

  it('is held, without spending an attempt, while the campaign is paused', () => {
    expect(decideDelivery({ ...ready, campaign: 'paused' })).toEqual({ kind: 'hold', afterMs: HOLD_WHILE_PAUSED_MS, why: 'the campaign is paused' });
  });

  it('is not sent to a lead who unsubscribed, bounced or was erased since, and the enrollment stops for that reason', () => {
    expect(decideDelivery({ ...ready, lead: 'unsubscribed' })).toEqual({ kind: 'abandon', reason: 'not sent: the lead is unsubscribed', stop: 'UNSUBSCRIBED', skip: 'LEAD_UNSUBSCRIBED' });
    expect(decideDelivery({ ...ready, lead: 'suppressed' })).toMatchObject({ kind: 'abandon', stop: 'SUPPRESSED', skip: 'LEAD_SUPPRESSED' });
    expect(decideDelivery({ ...ready, lead: 'erased' })).toMatchObject({ kind: 'abandon', stop: 'LEAD_ERASED', skip: 'LEAD_ERASED' });
    expect(decideDelivery({ ...ready, personalDataErased: true })).toMatchObject({ kind: 'abandon', stop: 'LEAD_ERASED' });
  });

  it('is not sent once the enrollment stopped (a reply came in), and the enrollment keeps its reason', () => {
    expect(decideDelivery({ ...ready, enrollment: 'stopped' })).toEqual({ kind: 'abandon', reason: 'not sent: the enrollment is stopped' });
  });

  it('is not sent to an address on the suppression list, whoever put it there', () => {
    expect(decideDelivery({ ...ready, suppressed: 'HARD_BOUNCE' })).toEqual({ kind: 'abandon', reason: 'not sent: the address is on the suppression list (HARD_BOUNCE)', stop: 'SUPPRESSED', skip: 'LEAD_SUPPRESSED' });
    expect(decideDelivery({ ...ready, suppressed: 'UNSUBSCRIBED' })).toMatchObject({ kind: 'abandon', stop: 'UNSUBSCRIBED', skip: 'LEAD_UNSUBSCRIBED' });
    expect(decideDelivery({ ...ready, suppressed: 'COMPLAINT', enrollment: 'stopped' })).toEqual({ kind: 'abandon', reason: 'not sent: the address is on the suppression list (COMPLAINT)', stop: undefined, skip: 'LEAD_SUPPRESSED' });
  });

  it('is not sent in an archived campaign', () => {
    expect(decideDelivery({ ...ready, campaign: 'archived' })).toMatchObject({ kind: 'abandon', stop: 'CAMPAIGN_ARCHIVED' });
  });
});

describe('after a send failed', () => {
  it('a transient failure is retried with growing waits', () => {
    expect(afterSendFailure(new Error('ECONNRESET'), 1, 6)).toEqual({ kind: 'retry', afterMs: 2000 });
    expect(afterSendFailure(new Error('ECONNRESET'), 3, 6)).toEqual({ kind: 'retry', afterMs: 8000 });
    expect(sendRetryDelayMs(20)).toBe(300_000);
  });

  it('waits as long as the provider asked', () => {
    expect(afterSendFailure(new TransportError('503 busy', false, 45_000), 1, 6)).toEqual({ kind: 'retry', afterMs: 45_000 });
  });

  it('waits out a rate limit without spending an attempt, even at the last one', () => {
    expect(afterSendFailure(new ProviderRateLimited('gmail: 429 slow down', 42_000), 6, 6)).toEqual({ kind: 'wait', afterMs: 42_000, why: 'the provider asked to slow down: gmail: 429 slow down' });
    expect(afterSendFailure(new ProviderRateLimited('graph: 429', undefined), 1, 6)).toMatchObject({ kind: 'wait', afterMs: 60_000 });
  });

  it('a permanent failure, or the last attempt, is a failure for good', () => {
    expect(afterSendFailure(new TransportError('550 no such user', true), 1, 6)).toEqual({ kind: 'fail', reason: '550 no such user' });
    expect(afterSendFailure(new Error('timeout'), 6, 6)).toEqual({ kind: 'fail', reason: 'gave up after 6 attempts: timeout' });
  });
});

describe('delivery messages', () => {
  it('are checked: anything else on the queue is not a job', () => {
    const job = { workspaceId: '0195a3c4-0000-7000-8000-000000000001', enrollmentId: '0195a3c4-0000-7000-8000-000000000002', emailId: '0195a3c4-0000-7000-8000-000000000003' };
    expect(parseDeliveryJob(job)).toEqual(job);
    expect(parseDeliveryJob({ ...job, emailId: '../x' })).toBeNull();
    expect(parseDeliveryJob('hello')).toBeNull();
  });
});

describe('the send window at send time', () => {
  const window = { window: { days: ['MON', 'TUE', 'WED', 'THU', 'FRI'] as ('MON' | 'TUE' | 'WED' | 'THU' | 'FRI')[], start: '09:00', end: '17:00' }, zone: 'America/New_York' };

  it('lets an email go inside the window, or when there is none', () => {
    expect(sendWindowHold(new Date('2025-03-04T15:00:00Z'), window, false)).toBeNull();
    expect(sendWindowHold(new Date('2025-03-08T15:00:00Z'), null, false)).toBeNull();
  });

  it('holds an email that waited past the window until it opens in the lead’s zone', () => {
    // Friday 18:00 in New York: next Monday 09:00 EST.
    expect(sendWindowHold(new Date('2025-03-07T23:00:00Z'), window, false)).toEqual({
      afterMs: Date.parse('2025-03-10T13:00:00.000Z') - Date.parse('2025-03-07T23:00:00Z'),
      until: '2025-03-10T13:00:00.000Z',
      why: 'outside the send window (MON,TUE,WED,THU,FRI 09:00-17:00 America/New_York); it opens at 2025-03-10T13:00:00.000Z',
    });
  });

  it('opens at the local hour across a daylight-saving change', () => {
    // Saturday 8 March 2025, clocks go forward on Sunday: Monday 09:00 EDT is 13:00 UTC.
    expect(sendWindowHold(new Date('2025-03-08T16:00:00Z'), window, false)?.until).toBe('2025-03-10T13:00:00.000Z');
    // Friday 31 October 2025, clocks go back on Sunday: Monday 09:00 EST is 14:00 UTC.
    expect(sendWindowHold(new Date('2025-10-31T22:00:00Z'), window, false)?.until).toBe('2025-11-03T14:00:00.000Z');
  });

  it('does not hold a step sent by hand', () => {
    expect(sendWindowHold(new Date('2025-03-08T15:00:00Z'), window, true)).toBeNull();
  });
});

describe('a mailbox that refuses its credentials', () => {
  it('is told apart from a failed send', () => {
    expect(mailboxProblem(new MailboxAuthError('gmail: invalid_grant', 'REVOKED'))).toEqual({ reason: 'REVOKED', detail: 'gmail: invalid_grant' });
    expect(mailboxProblem(new TransportError('550', true))).toBeNull();
  });
});
