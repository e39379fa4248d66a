import { MailboxAuthError, SmtpTransport } from '@app/mail';
import { SmtpFake, findPart, parseMime } from '@app/testing';
import { composed } from './support/mail-fixtures';

describe('SMTP through nodemailer, against a local smtp-server', () => {
  let smtp: SmtpFake;
  beforeAll(async () => {
    smtp = await SmtpFake.start();
  });
  afterAll(async () => {
    await smtp.close();
  });

  it('verifies the settings a user typed by logging in, and says why when it cannot', async () => {
    await expect(SmtpTransport.verify(smtp.settings())).resolves.toBeUndefined();
    const error = await SmtpTransport.verify({ ...smtp.settings(), password: 'wrong' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailboxAuthError);
    expect((error as Error).message).toMatch(/535.*not accepted/);
    await expect(SmtpTransport.verify({ ...smtp.settings(), port: 1 })).rejects.toMatchObject({ permanent: false });
  });

  it('sends the composed message byte for byte with its envelope, after logging in', async () => {
    const email = await composed({ from: { name: 'Grace Hopper', address: 'grace@smtp.test' }, footer: { postalAddress: '1 Main St' } });
    const receipt = await new SmtpTransport(smtp.settings()).send(email);
    const received = smtp.received.at(-1);
    expect(received).toMatchObject({ from: 'grace@smtp.test', to: ['ada@example.com'], user: 'grace@smtp.test' });
    expect(received?.raw.toString('utf8').replace(/\r\n$/, '')).toBe(email.raw.toString('utf8').replace(/\r\n$/, ''));
    expect(receipt).toEqual({ transport: 'smtp', providerMessageId: `smtp:FAKE${smtp.received.length}`, messageIdHeader: email.messageIdHeader });
    const mime = parseMime(received?.raw ?? '');
    expect(mime.headers.get('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(findPart(mime, 'text/plain')?.body).toContain('Unsubscribe: https://api.copilot.test/u/');
  });

  it('tells a refusal of the message (5xx, permanent) from a "try later" (4xx)', async () => {
    const transport = new SmtpTransport(smtp.settings());
    smtp.failNext(550, '5.1.1 mailbox unavailable');
    await expect(transport.send(await composed({ from: { address: 'grace@smtp.test' } }))).rejects.toMatchObject({ permanent: true, message: expect.stringMatching(/550/) });
    smtp.failNext(451, '4.3.0 try again later');
    await expect(transport.send(await composed({ from: { address: 'grace@smtp.test' } }))).rejects.toMatchObject({ permanent: false, message: expect.stringMatching(/451/) });
  });
});
