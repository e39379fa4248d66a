import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export type SmtpFakeMessage = { from: string; to: string[]; raw: Buffer; user: string | null; at: number };

/**
 * A local SMTP server (smtp-server) that checks a login and records every message it accepts:
 * envelope and raw bytes. `failNext` makes it refuse the next message with a reply code.
 */
export class SmtpFake {
  readonly received: SmtpFakeMessage[] = [];
  private readonly failures: { code: number; message: string }[] = [];

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
    readonly username: string,
    readonly password: string,
  ) {}

  static async start(credentials: { username: string; password: string } = { username: 'grace@smtp.test', password: 'app-password' }): Promise<SmtpFake> {
    const holder: { fake: SmtpFake | null } = { fake: null };
    const server = new SMTPServer({
      secure: false,
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      logger: false,
      onAuth(auth, _session, callback) {
        if (auth.username === credentials.username && auth.password === credentials.password) return callback(null, { user: auth.username });
        const error = new Error('5.7.8 Username and Password not accepted') as Error & { responseCode: number };
        error.responseCode = 535;
        return callback(error);
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const fake = holder.fake as SmtpFake;
          const failure = fake.failures.shift();
          if (failure) {
            const error = new Error(failure.message) as Error & { responseCode: number };
            error.responseCode = failure.code;
            return callback(error);
          }
          fake.received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks),
            user: typeof session.user === 'string' ? session.user : null,
            at: Date.now(),
          });
          callback(null, `Ok: queued as FAKE${fake.received.length}`);
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.server.address() as AddressInfo;
    const fake = new SmtpFake(server, port, credentials.username, credentials.password);
    holder.fake = fake;
    return fake;
  }

  settings() {
    return { host: '127.0.0.1', port: this.port, secure: false, username: this.username, password: this.password };
  }

  failNext(code: number, message: string): void {
    this.failures.push({ code, message });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
