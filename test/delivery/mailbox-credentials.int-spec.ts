import { randomUUID } from 'node:crypto';
import { MailboxAuthError, MailboxSecretUnreadable, mailboxKeys } from '@app/mail';
import { createKysely, createPool } from '@app/platform';
import { GoogleFake, useTestDatabase } from '@app/testing';
import { Kysely } from 'kysely';
import { MailboxCredentials } from '../../apps/schedulers/src/mailboxes/mailbox-credentials';
import { SEALING_KEY, storeSecret } from './support/delivery-harness';

describe('mailbox credentials as the schedulers use them', () => {
  const database = useTestDatabase();
  let google: GoogleFake;
  let one: Kysely<unknown>;
  let two: Kysely<unknown>;
  beforeAll(async () => {
    google = await GoogleFake.start();
    one = createKysely<unknown>(createPool(database.url, 3));
    two = createKysely<unknown>(createPool(database.url, 3));
  });
  afterAll(async () => {
    await google?.close();
    await one?.destroy();
    await two?.destroy();
  });

  const clock = { now: () => new Date() };
  const vault = (db: Kysely<unknown>, key = SEALING_KEY) => new MailboxCredentials(db, key, { google: google.settings(), microsoft: null }, clock);
  const tokenCalls = () => google.requests.filter((r) => r.path === '/token').length;

  async function mailbox(address: string) {
    const mailboxId = randomUUID();
    await storeSecret(one, { mailboxId, workspaceId: randomUUID(), provider: 'GMAIL', secret: { kind: 'oauth', refreshToken: google.grant(address) } });
    return mailboxId;
  }

  it('renews an access token once for every process that needs it at the same time, and shares it', async () => {
    const id = await mailbox('shared@gmail.test');
    const before = tokenCalls();
    const tokens = await Promise.all([vault(one).tokens(id, 'GMAIL').current(), vault(two).tokens(id, 'GMAIL').current(), vault(one).tokens(id, 'GMAIL').current()]);
    expect(new Set(tokens).size).toBe(1);
    expect(tokenCalls() - before).toBe(1);
  });

  it('gets a new token after a 401 even though the cached one looks fresh', async () => {
    const id = await mailbox('forced@gmail.test');
    const source = vault(one).tokens(id, 'GMAIL');
    const first = await source.current();
    const renewed = await source.refresh();
    expect(renewed).not.toBe(first);
    expect(await vault(two).tokens(id, 'GMAIL').current()).toBe(renewed);
  });

  it('says the grant is gone when the provider refuses the refresh token', async () => {
    const id = await mailbox('gone@gmail.test');
    google.revoke('gone@gmail.test');
    await expect(vault(one).tokens(id, 'GMAIL').current()).rejects.toMatchObject({ problem: 'REVOKED' });
    await expect(vault(one).tokens(randomUUID(), 'GMAIL').current()).rejects.toBeInstanceOf(MailboxAuthError);
  });

  it('cannot be opened with another key', async () => {
    const id = await mailbox('sealed@gmail.test');
    await expect(vault(one, mailboxKeys(Buffer.alloc(32, 1)).sealing).secret(id)).rejects.toBeInstanceOf(MailboxSecretUnreadable);
  });
});
