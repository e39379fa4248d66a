import { IncomingEmail } from '@app/mail';
import { SentEmail, classifyIncoming, matchEmail, pollDelayMs, referencedIds } from './inbox.policy';

const incoming = (over: Partial<IncomingEmail> = {}): IncomingEmail => ({
  providerMessageId: 'p1',
  messageId: '<r@example.com>',
  inReplyTo: [],
  references: [],
  fromAddress: 'ada@example.com',
  subject: 'Re: Quick question',
  headers: {},
  contentType: 'text/plain',
  reportType: null,
  deliveryStatus: null,
  returnedMessageIds: [],
  snippet: 'Sure',
  ...over,
});
const report = (status: string | null, action: string | null, diagnostic: string | null = null) => incoming({ contentType: 'multipart/report', reportType: 'delivery-status', deliveryStatus: { status, action, diagnostic, recipient: 'rfc822; ada@example.com' } });

describe('classifying an inbox message', () => {
  it('takes a person’s answer for a reply', () => {
    expect(classifyIncoming(incoming())).toEqual({ kind: 'human' });
    expect(classifyIncoming(incoming({ headers: { 'auto-submitted': 'no' } }))).toEqual({ kind: 'human' });
  });

  it.each([
    [{ 'auto-submitted': 'auto-replied' }, 'Auto-Submitted: auto-replied'],
    [{ 'auto-submitted': 'auto-generated' }, 'Auto-Submitted: auto-generated'],
    [{ 'x-autoreply': 'yes' }, 'x-autoreply header'],
    [{ 'x-autorespond': 'Vacation' }, 'x-autorespond header'],
    [{ 'x-auto-response-suppress': 'All' }, 'x-auto-response-suppress header'],
    [{ precedence: 'auto_reply' }, 'Precedence: auto_reply'],
    [{ precedence: 'bulk' }, 'Precedence: bulk'],
  ])('takes %j for an auto-reply: the sequence goes on', (headers, why) => {
    expect(classifyIncoming(incoming({ headers }))).toEqual({ kind: 'auto-reply', why });
  });

  it.each(['Automatic reply: Quick question', 'Out of Office: back Monday', 'Auto-Reply: Re: hi', 'Abwesenheitsnotiz: Quick question'])('takes the subject %j for an auto-reply', (subject) => {
    expect(classifyIncoming(incoming({ subject }))).toMatchObject({ kind: 'auto-reply' });
  });

  it('takes a failed delivery report with a 5.x.x status for a hard bounce, with its reason', () => {
    expect(classifyIncoming(report('5.1.1', 'failed', 'smtp; 550 5.1.1 user unknown'))).toEqual({ kind: 'bounce', bounce: 'HARD', reason: '5.1.1 smtp; 550 5.1.1 user unknown' });
    expect(classifyIncoming(report(null, 'failed', 'smtp; 550 5.7.1 rejected'))).toMatchObject({ kind: 'bounce', bounce: 'HARD', reason: expect.stringContaining('5.7.1') });
  });

  it('takes a 4.x.x status, or a delay, for a soft bounce', () => {
    expect(classifyIncoming(report('4.2.2', 'failed'))).toMatchObject({ kind: 'bounce', bounce: 'SOFT' });
    expect(classifyIncoming(report(null, 'delayed'))).toMatchObject({ kind: 'bounce', bounce: 'SOFT' });
  });

  it('ignores a report that says the message was delivered', () => {
    expect(classifyIncoming(report('2.0.0', 'delivered'))).toEqual({ kind: 'ignore', why: 'delivery report: delivered' });
  });

  it('checks the report before the auto-reply headers a bounce also carries', () => {
    expect(classifyIncoming({ ...report('5.1.1', 'failed'), headers: { 'auto-submitted': 'auto-replied' } })).toMatchObject({ kind: 'bounce', bounce: 'HARD' });
  });
});

describe('matching a message to one of our emails', () => {
  const at = (s: number) => new Date(Date.UTC(2025, 2, 3, 10, 0, s));
  const sent: SentEmail[] = [
    { emailId: 'e1', enrollmentId: 'n1', workspaceId: 'w', messageIdHeader: '<e1@acme.test>', threadId: 't1', sentAt: at(0) },
    { emailId: 'e2', enrollmentId: 'n1', workspaceId: 'w', messageIdHeader: '<e2@acme.test>', threadId: 't1', sentAt: at(10) },
    { emailId: 'e3', enrollmentId: 'n2', workspaceId: 'w', messageIdHeader: '<e3@acme.test>', threadId: 't3', sentAt: at(5) },
  ];

  it('follows In-Reply-To first (case aside)', () => {
    expect(matchEmail(incoming({ inReplyTo: ['<E1@ACME.TEST>'], threadId: 't3' }), sent)?.emailId).toBe('e1');
  });

  it('else the latest email its References or a bounce’s returned headers name', () => {
    expect(matchEmail(incoming({ references: ['<e1@acme.test>', '<e2@acme.test>'] }), sent)?.emailId).toBe('e2');
    expect(matchEmail(incoming({ returnedMessageIds: ['<e3@acme.test>'] }), sent)?.emailId).toBe('e3');
  });

  it('else the latest email sent in its provider thread', () => {
    expect(matchEmail(incoming({ threadId: 't1' }), sent)?.emailId).toBe('e2');
  });

  it('finds nothing for mail about none of ours', () => {
    expect(matchEmail(incoming({ inReplyTo: ['<other@x>'], threadId: 'unknown' }), sent)).toBeNull();
    expect(matchEmail(incoming(), sent)).toBeNull();
  });

  it('looks ours up by every Message-ID the message names', () => {
    expect(referencedIds(incoming({ inReplyTo: ['<a@x>'], references: ['<b@x>', '<a@x>'], returnedMessageIds: ['<c@x>'] }))).toEqual(['<a@x>', '<b@x>', '<c@x>']);
  });
});

describe('an inbox that keeps failing', () => {
  it('is polled less and less often, at most hourly', () => {
    expect(pollDelayMs(0, 60_000)).toBe(60_000);
    expect(pollDelayMs(1, 60_000)).toBe(120_000);
    expect(pollDelayMs(3, 60_000)).toBe(480_000);
    expect(pollDelayMs(20, 60_000)).toBe(3_600_000);
  });
});
