import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { emailIdOfMessageId } from './message-id';
import { OutgoingEmail, SentReceipt, Transport, TransportError } from './transport';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const exists = (path: string) =>
  stat(path).then(
    () => true,
    (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? false : Promise.reject(error)),
  );

/**
 * The offline default: each sent message becomes `<dir>/<emailId>.eml`. The file appears
 * whole or not at all (written to a temporary name, flushed, then hard-linked into place,
 * which unlike rename never replaces an existing file), so a second send of the same email,
 * even a concurrent one, leaves the first file as it is.
 */
export class LocalOutboxTransport implements Transport {
  readonly name = 'outbox';

  constructor(private readonly dir: string) {}

  private pathOf(emailId: string): string {
    if (!UUID.test(emailId)) throw new TransportError(`"${emailId}" is not an email id`, true);
    return join(this.dir, `${emailId.toLowerCase()}.eml`);
  }

  private receipt(emailId: string, messageIdHeader: string): SentReceipt {
    return { transport: this.name, providerMessageId: `outbox:${emailId.toLowerCase()}`, messageIdHeader };
  }

  async send(message: OutgoingEmail): Promise<SentReceipt> {
    const path = this.pathOf(message.emailId);
    if (await exists(path)) return (await this.readReceipt(message.emailId)) ?? this.receipt(message.emailId, message.messageIdHeader);
    await mkdir(this.dir, { recursive: true });
    const temporary = join(this.dir, `.${message.emailId}.${randomBytes(6).toString('hex')}.tmp`);
    const file = await open(temporary, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
    try {
      await file.writeFile(message.raw);
      await file.sync();
    } finally {
      await file.close();
    }
    try {
      await link(temporary, path);
    } catch (error) {
      // Someone else delivered the same email first: theirs stands.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      await unlink(temporary).catch(() => undefined);
    }
    await this.syncDirectory();
    return (await this.readReceipt(message.emailId)) ?? this.receipt(message.emailId, message.messageIdHeader);
  }

  async find(messageIdHeader: string): Promise<SentReceipt | null> {
    const emailId = emailIdOfMessageId(messageIdHeader);
    if (!emailId) return null;
    return this.readReceipt(emailId);
  }

  /** The receipt of the file on disk, with the Message-ID it really carries. */
  private async readReceipt(emailId: string): Promise<SentReceipt | null> {
    let raw: Buffer;
    try {
      raw = await readFile(this.pathOf(emailId));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    const head = raw.subarray(0, 64 * 1024).toString('utf8').split(/\r?\n\r?\n/)[0] ?? '';
    const header = /^Message-ID:\s*(<[^>\r\n]+>)/im.exec(head)?.[1];
    return this.receipt(emailId, header ?? `<${emailId}@outbox>`);
  }

  /** Makes the new directory entry durable, where the platform allows it. */
  private async syncDirectory(): Promise<void> {
    const dir = await open(this.dir, constants.O_RDONLY).catch(() => null);
    if (!dir) return;
    await dir.sync().catch(() => undefined);
    await dir.close();
  }
}
