import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalOutboxTransport, OutgoingEmail, messageIdFor } from '@app/mail';

const emailId = '0195a3c4-2222-7000-8000-000000000001';
const message = (body: string): OutgoingEmail => ({
  emailId,
  messageIdHeader: messageIdFor(emailId, 'acme.test'),
  envelope: { from: 'grace@acme.test', to: ['ada@example.com'] },
  raw: Buffer.from(`Message-ID: ${messageIdFor(emailId, 'acme.test')}\r\nSubject: hi\r\n\r\n${body}\r\n`),
});

describe('the local outbox transport', () => {
  let dir: string;
  beforeEach(async () => {
    dir = join(await mkdtemp(join(tmpdir(), 'outbox-test-')), 'outbox');
  });
  afterEach(async () => {
    await rm(join(dir, '..'), { recursive: true, force: true });
  });

  it('writes <emailId>.eml and finds it by its Message-ID', async () => {
    const outbox = new LocalOutboxTransport(dir);
    expect(await outbox.find(message('x').messageIdHeader)).toBeNull();
    const receipt = await outbox.send(message('first'));
    expect(receipt).toEqual({ transport: 'outbox', providerMessageId: `outbox:${emailId}`, messageIdHeader: `<${emailId}@acme.test>` });
    expect(await readdir(dir)).toEqual([`${emailId}.eml`]);
    expect(await outbox.find(receipt.messageIdHeader)).toEqual(receipt);
  });

  it('sends an email once: a second send, even a concurrent one, leaves the first file', async () => {
    const outbox = new LocalOutboxTransport(dir);
    const receipts = await Promise.all(['a', 'b', 'c', 'd'].map((body) => outbox.send(message(body))));
    expect(new Set(receipts.map((r) => r.providerMessageId)).size).toBe(1);
    const files = await readdir(dir);
    expect(files).toEqual([`${emailId}.eml`]);
    const content = await readFile(join(dir, files[0] as string), 'utf8');
    expect(['a', 'b', 'c', 'd'].filter((body) => content.endsWith(`\r\n\r\n${body}\r\n`))).toHaveLength(1);
    expect(await new LocalOutboxTransport(dir).send(message('later'))).toEqual(receipts[0]);
    expect(await readFile(join(dir, files[0] as string), 'utf8')).toBe(content);
  });

  it('refuses a file name that is not an email id', async () => {
    await expect(new LocalOutboxTransport(dir).send({ ...message('x'), emailId: '../../etc/passwd' })).rejects.toMatchObject({ permanent: true });
  });
});
