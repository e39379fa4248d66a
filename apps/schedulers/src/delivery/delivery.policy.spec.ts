import { TransportError } from '@app/mail';
import { DeliveryFacts, HOLD_WHILE_PAUSED_MS, afterSendFailure, decideDelivery, sendRetryDelayMs } from './delivery.policy';
import { parseDeliveryJob } from './delivery-job';

const ready: DeliveryFacts = { email: 'queued', personalDataErased: false, enrollment: 'active', campaign: 'active', lead: 'contactable' };

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
    expect(decideDelivery({ ...ready, lead: 'unsubscribed' })).toEqual({ kind: 'abandon', reason: 'not sent: the lead is unsubscribed', stop: 'UNSUBSCRIBED' });
    expect(decideDelivery({ ...ready, lead: 'suppressed' })).toMatchObject({ kind: 'abandon', stop: 'SUPPRESSED' });
    expect(decideDelivery({ ...ready, lead: 'erased' })).toMatchObject({ kind: 'abandon', stop: 'LEAD_ERASED' });
    expect(decideDelivery({ ...ready, personalDataErased: true })).toMatchObject({ kind: 'abandon', stop: 'LEAD_ERASED' });
  });

  it('is not sent once the enrollment stopped (a reply came in), and the enrollment keeps its reason', () => {
    expect(decideDelivery({ ...ready, enrollment: 'stopped' })).toEqual({ kind: 'abandon', reason: 'not sent: the enrollment is stopped' });
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
    expect(afterSendFailure(new TransportError('429 slow down', false, 45_000), 1, 6)).toEqual({ kind: 'retry', afterMs: 45_000 });
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
