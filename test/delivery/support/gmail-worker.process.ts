/**
 * A delivery worker in a process of its own, sending through Gmail (the parent's fake), for the
 * test that kills one mid-send: after KILL_AT messages were accepted by Gmail it SIGKILLs
 * itself, before recording the receipt or EmailSent, and before acknowledging the message.
 *
 * Run with: node -r @swc-node/register test/delivery/support/gmail-worker.process.ts
 */
import 'reflect-metadata';
import { openPostgresEventStore } from '@app/event-store';
import { NatsWorkQueue, connectNats } from '@app/messaging';
import { createKysely, createPool } from '@app/platform';
import { TEST_MASTER_KEY } from '@app/testing';
import { deliveryWorker } from './delivery-harness';

async function main(): Promise<void> {
  const env = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is required`);
    return value;
  };
  const opened = openPostgresEventStore({ connectionString: env('DATABASE_URL'), masterKey: TEST_MASTER_KEY, poolSize: 2 });
  const db = createKysely<unknown>(createPool(env('DATABASE_URL'), 6));
  const fake = env('GOOGLE_FAKE_URL');
  const killAt = Number(env('KILL_AT'));
  let accepted = 0;
  const { worker } = deliveryWorker({
    store: opened.store,
    db,
    outboxDir: env('OUTBOX_DIR'),
    providers: {
      google: {
        clientId: env('GOOGLE_CLIENT_ID'),
        clientSecret: env('GOOGLE_CLIENT_SECRET'),
        redirectUrl: 'http://api.test/oauth/google/callback',
        authorizeUrl: `${fake}/o/oauth2/v2/auth`,
        tokenUrl: `${fake}/token`,
        revokeUrl: `${fake}/revoke`,
        gmailApiUrl: `${fake}/`,
      },
      microsoft: null,
    },
    wrap: (transport) => ({
      name: transport.name,
      find: (header, prior) => transport.find(header, prior),
      send: async (message, journal) => {
        const receipt = await transport.send(message, journal);
        accepted++;
        process.stdout.write(`SENT ${message.emailId}\n`);
        // Gmail has the message; the process dies before anything else happens.
        if (accepted >= killAt) process.kill(process.pid, 'SIGKILL');
        return receipt;
      },
    }),
  });
  const nc = await connectNats({ servers: env('NATS_URL') });
  const queue = new NatsWorkQueue(nc, {
    stream: env('STREAM'),
    subject: env('SUBJECT'),
    consumer: env('CONSUMER'),
    settings: { maxAttempts: 8, ackWaitMs: Number(env('ACK_WAIT_MS')) },
    storage: 'memory',
  });
  await queue.ensure();
  queue.consume(worker.handle, { concurrency: 2 });
  process.stdout.write('READY\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
