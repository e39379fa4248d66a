import { z } from 'zod';
import { MailProviderSettings, checkMailProviderEnv, mailProviderEnv, mailProvidersFrom } from '@app/mail';
import { commonEnv, parseEnv, port, positiveInt, secret } from '@app/platform';

export const schedulersEnv = z.object({
  ...commonEnv,
  /** Health and metrics only. */
  PORT: port(3002),
  /** Base of tracking links in sent emails: the API's public address. */
  PUBLIC_URL: z.url(),
  TRACKING_SECRET: secret(),
  /** Where the local outbox transport writes .eml files. */
  OUTBOX_DIR: z.string().default('.data/outbox'),
  TIMER_POLL_MS: positiveInt(200),
  TIMER_BATCH_SIZE: positiveInt(50),
  DELIVERY_CONCURRENCY: positiveInt(4),
  DELIVERY_MAX_ATTEMPTS: positiveInt(6),
  /** JetStream names of the delivery queue (with NATS_URL); change them to share a server between systems. */
  DELIVERY_STREAM: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only').default('DELIVERY'),
  DELIVERY_SUBJECT: z.string().regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'a NATS subject without wildcards').default('delivery.email'),
  DELIVERY_CONSUMER: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only').default('delivery-workers'),
  DATABASE_POOL_SIZE: positiveInt(10),
  /** How often each Gmail and Outlook inbox is read for replies and bounces. */
  INBOX_POLL_MS: positiveInt(60_000),
  /** How often upcoming occasions (birthdays, anniversaries) are looked for and enrolled. */
  OCCASION_POLL_MS: positiveInt(60_000),
  /** Gmail and Microsoft 365 apps: the schedulers refresh the mailboxes' tokens with them. */
  ...mailProviderEnv,
}).superRefine(checkMailProviderEnv);

export type SchedulersSettings = {
  publicUrl: string;
  trackingSecret: string;
  outboxDir: string;
  timerPollMs: number;
  timerBatchSize: number;
  deliveryConcurrency: number;
  deliveryMaxAttempts: number;
  deliveryQueue: { stream: string; subject: string; consumer: string };
  /** The OAuth providers (absent: none configured; Gmail and Outlook mailboxes then wait). */
  providers?: MailProviderSettings;
  inboxPollMs?: number;
  occasionPollMs?: number;
};

export function schedulersSettingsFrom(env: z.output<typeof schedulersEnv>): SchedulersSettings {
  return {
    publicUrl: env.PUBLIC_URL.replace(/\/+$/, ''),
    trackingSecret: env.TRACKING_SECRET,
    outboxDir: env.OUTBOX_DIR,
    timerPollMs: env.TIMER_POLL_MS,
    timerBatchSize: env.TIMER_BATCH_SIZE,
    deliveryConcurrency: env.DELIVERY_CONCURRENCY,
    deliveryMaxAttempts: env.DELIVERY_MAX_ATTEMPTS,
    deliveryQueue: { stream: env.DELIVERY_STREAM, subject: env.DELIVERY_SUBJECT, consumer: env.DELIVERY_CONSUMER },
    providers: mailProvidersFrom(env, env.PUBLIC_URL),
    inboxPollMs: env.INBOX_POLL_MS,
    occasionPollMs: env.OCCASION_POLL_MS,
  };
}

export function loadSchedulersEnv(env: Record<string, string | undefined> = process.env) {
  return parseEnv(schedulersEnv, env);
}
