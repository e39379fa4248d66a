/**
 * A delivery worker in a process of its own, for the test that kills one mid-send: it takes
 * one message from the JetStream queue, hands the email to the outbox, and is SIGKILLed by
 * its own transport right after the outbox accepted it, before EmailSent is recorded and
 * before the message is acknowledged.
 *
 * Run with: node -r @swc-node/register test/schedulers/support/delivery-worker.process.ts
 */
import 'reflect-metadata';
import { EnrollmentUseCases, Facts } from '@app/application';
import { openPostgresEventStore } from '@app/event-store';
import { LocalOutboxTransport, Transport } from '@app/mail';
import { NatsWorkQueue, connectNats } from '@app/messaging';
import { CommandExecutor, MetricsService, createKysely, createLogger, createPool, systemClock } from '@app/platform';
import { DeliveryWorker } from '../../../apps/schedulers/src/delivery/delivery.worker';

async function main(): Promise<void> {
  const env = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is required`);
    return value;
  };
  const opened = openPostgresEventStore({ connectionString: env('DATABASE_URL'), masterKey: Buffer.from(env('MASTER_KEY_HEX'), 'hex'), poolSize: 2 });
  const facts = new Facts(opened.store);
  const enrollments = new EnrollmentUseCases(new CommandExecutor(opened.store, systemClock, new MetricsService()), facts);
  const outbox = new LocalOutboxTransport(env('OUTBOX_DIR'));
  const dying: Transport = {
    name: outbox.name,
    find: (header) => outbox.find(header),
    send: async (message) => {
      await outbox.send(message);
      process.stdout.write(`SENT ${message.emailId}\n`);
      // The provider has the message; the process dies before anything else happens.
      process.kill(process.pid, 'SIGKILL');
      return new Promise(() => undefined);
    },
  };
  const nc = await connectNats({ servers: env('NATS_URL') });
  const queue = new NatsWorkQueue(nc, {
    stream: env('STREAM'),
    subject: env('SUBJECT'),
    consumer: env('CONSUMER'),
    settings: { maxAttempts: 5, ackWaitMs: Number(env('ACK_WAIT_MS')) },
    storage: 'memory',
  });
  const worker = new DeliveryWorker({
    store: opened.store,
    facts,
    enrollments,
    db: createKysely<unknown>(createPool(env('DATABASE_URL'), 2)),
    transport: dying,
    clock: systemClock,
    logger: createLogger({ service: 'dying-worker', level: 'silent' }),
    settings: { publicUrl: env('PUBLIC_URL'), trackingSecret: env('TRACKING_SECRET'), deliveryMaxAttempts: 3 },
  });
  await queue.ensure();
  queue.consume(worker.handle, { concurrency: 1 });
  process.stdout.write('READY\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
