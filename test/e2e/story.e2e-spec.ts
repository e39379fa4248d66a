import 'reflect-metadata';
import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@app/database';
import { PlatformModule, createLogger } from '@app/platform';
import { useTestDatabase } from '@app/testing';
import { ApiModule } from '../../apps/api/src/index';
import { ProjectorsModule } from '../../apps/projectors/src/index';
import { SchedulersModule } from '../../apps/schedulers/src/index';
import { E2eClient } from './e2e-client';
import { runLeadStory } from './lead-story';

/** The three apps in one process (as `npm start` runs them), with in-process messaging. */
let app: INestApplication | undefined;
afterAll(async () => {
  await app?.close();
});
const database = useTestDatabase();
const outboxDir = mkdtempSync(join(tmpdir(), 'copilot-outbox-'));
afterAll(() => rmSync(outboxDir, { recursive: true, force: true }));

it('runs the story of three leads through GraphQL and HTTP, in one process', async () => {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const trackingSecret = randomBytes(32).toString('base64url');
  const logger = createLogger({ service: 'e2e', level: process.env.TEST_LOG_LEVEL ?? 'silent' });

  @Module({
    imports: [
      PlatformModule.forRoot({
        config: {
          serviceName: 'standalone',
          databaseUrl: database.url,
          eventStore: { kind: 'postgres' },
          natsUrl: null,
          piiMasterKey: randomBytes(32),
          logLevel: 'silent',
          http: { host: '127.0.0.1', port },
          databasePoolSize: 8,
        },
        logger,
      }),
      ApiModule.forRoot({
        publicUrl,
        jwtSecret: randomBytes(32).toString('base64url'),
        trackingSecret,
        emailHashSecret: randomBytes(32).toString('base64url'),
        accessTokenTtlSeconds: 900,
        refreshTokenTtlDays: 30,
        readYourWritesTimeoutMs: 5000,
        sandbox: false,
      }),
      ProjectorsModule.forRoot({ batchSize: 500 }),
      SchedulersModule.forRoot({
        publicUrl,
        trackingSecret,
        outboxDir,
        timerPollMs: 100,
        timerBatchSize: 50,
        deliveryConcurrency: 4,
        deliveryMaxAttempts: 6,
        deliveryQueue: { stream: 'UNUSED', subject: 'unused.email', consumer: 'unused' },
      }),
    ],
  })
  class OneProcessModule {}

  app = await NestFactory.create(OneProcessModule, { logger: false });
  await app.listen(port, '127.0.0.1');
  await runLeadStory(new E2eClient(publicUrl), outboxDir);
}, 120_000);
