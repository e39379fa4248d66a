import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** What a mailbox needs to send and read, kept sealed in `mailbox_credentials`. */
export type MailboxSecret =
  | {
      kind: 'oauth';
      refreshToken: string;
      /** The last access token, shared by every process until it nears its expiry. */
      accessToken?: string;
      accessTokenExpiresAt?: string;
      scope?: string;
    }
  | { kind: 'smtp'; host: string; port: number; secure: boolean; username: string; password: string };

/**
 * The keys for mailbox secrets, derived from PII_MASTER_KEY with HKDF-SHA256 (one label each):
 * no new secret to distribute, and neither key can be turned into the other or into the
 * personal-data keys.
 */
export function mailboxKeys(masterKey: Buffer): { sealing: Buffer; oauthState: Buffer } {
  const derive = (label: string) => Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), `copilot:${label}`, 32));
  return { sealing: derive('mailbox-credentials:v1'), oauthState: derive('oauth-state:v1') };
}

const FORMAT = 1;

/**
 * AES-256-GCM with a fresh 96-bit IV; the mailbox id is bound in as associated data, so a
 * sealed secret copied onto another mailbox's row does not open. Layout: format byte, IV,
 * tag, ciphertext.
 */
export function sealMailboxSecret(key: Buffer, mailboxId: string, secret: MailboxSecret): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`mailbox:${mailboxId}`));
  const body = Buffer.concat([cipher.update(JSON.stringify(secret), 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from([FORMAT]), iv, cipher.getAuthTag(), body]);
}

export class MailboxSecretUnreadable extends Error {
  constructor(mailboxId: string) {
    super(`The credentials of mailbox ${mailboxId} cannot be opened (another key, or altered): connect the mailbox again`);
    this.name = 'MailboxSecretUnreadable';
  }
}

export function openMailboxSecret(key: Buffer, mailboxId: string, sealed: Buffer): MailboxSecret {
  if (sealed.length < 30 || sealed[0] !== FORMAT) throw new MailboxSecretUnreadable(mailboxId);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(1, 13));
    decipher.setAAD(Buffer.from(`mailbox:${mailboxId}`));
    decipher.setAuthTag(sealed.subarray(13, 29));
    const json = Buffer.concat([decipher.update(sealed.subarray(29)), decipher.final()]).toString('utf8');
    return JSON.parse(json) as MailboxSecret;
  } catch {
    throw new MailboxSecretUnreadable(mailboxId);
  }
}
