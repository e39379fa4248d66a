import 'reflect-metadata';
import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomBytes, randomUUID } from 'node:crypto';
import { PlatformConfig, PlatformModule, createLogger } from '@app/platform';
import { TestDatabase, useTestDatabase } from '@app/testing';
import { ApiModule, ApiSettings } from '../../apps/api/src/index';
import { ProjectorsModule } from '../../apps/projectors/src/index';

export type GraphQLError = { message: string; extensions?: { code?: string; reason?: string; [key: string]: unknown } };
export type GraphQLResponse<T> = { data?: T | null; errors?: GraphQLError[] };

export type ApiTestApp = {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly settings: ApiSettings;
  readonly app: INestApplication;
  /** Posts a GraphQL operation, with the bearer token when given. */
  graphql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResponse<T>>;
  /** Like `graphql`, failing the test on any error. */
  ok<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string): Promise<T>;
  /** The error of an operation that must fail. */
  fails(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLError>;
  close(): Promise<void>;
};

/**
 * Boots the API and the projectors in this process on a test database, listening on a free
 * port: tests talk HTTP to it like a client. The schedulers are not started: tests that need
 * an email queued send the step by hand (sendStep).
 */
export async function startApiApp(database: TestDatabase, overrides: Partial<ApiSettings> = {}): Promise<ApiTestApp> {
  const config: PlatformConfig = {
    serviceName: 'api',
    databaseUrl: database.url,
    eventStore: { kind: 'postgres' },
    natsUrl: null,
    piiMasterKey: randomBytes(32),
    logLevel: 'silent',
    http: { host: '127.0.0.1', port: 0 },
    // Each of the 9 projection runners pins one connection of this pool for its advisory lock;
    // the rest serve batches and API reads. Kept small: test files share one server.
    databasePoolSize: 12,
  };
  const logger = createLogger({ service: 'api-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const settings: ApiSettings = {
    publicUrl: 'http://tracking.test',
    jwtSecret: randomBytes(32).toString('base64url'),
    trackingSecret: randomBytes(32).toString('base64url'),
    emailHashSecret: randomBytes(32).toString('base64url'),
    accessTokenTtlSeconds: 900,
    refreshTokenTtlDays: 30,
    readYourWritesTimeoutMs: 5000,
    sandbox: false,
    ...overrides,
  };

  @Module({ imports: [PlatformModule.forRoot({ config, logger }), ApiModule.forRoot(settings), ProjectorsModule.forRoot({ batchSize: 500 })] })
  class ApiTestModule {}

  const app = await NestFactory.create(ApiTestModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;

  const graphql = async <T>(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<GraphQLResponse<T>> => {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-correlation-id': `test-${randomUUID()}`, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLResponse<T>;
  };

  return {
    url,
    settings,
    app,
    graphql,
    async ok<T>(query: string, variables?: Record<string, unknown>, token?: string): Promise<T> {
      const result = await graphql<T>(query, variables, token);
      if (result.errors?.length || !result.data) throw new Error(`GraphQL failed: ${JSON.stringify(result.errors ?? result)}`);
      return result.data;
    },
    async fails(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLError> {
      const result = await graphql(query, variables, token);
      const error = result.errors?.[0];
      if (!error) throw new Error(`expected an error, got ${JSON.stringify(result.data)}`);
      return error;
    },
    close: () => app.close(),
  };
}

/**
 * A test file's own database and an app booted on it. The app's afterAll is registered before
 * the database's, so the app closes its connections before the database is dropped.
 */
export function useApiApp(overrides: Partial<ApiSettings> = {}): { readonly database: TestDatabase; readonly api: ApiTestApp } {
  let api: ApiTestApp | undefined;
  afterAll(async () => {
    await api?.close();
  });
  const database = useTestDatabase();
  beforeAll(async () => {
    api = await startApiApp(database, overrides);
  });
  return {
    database,
    get api(): ApiTestApp {
      if (!api) throw new Error('the app is not booted yet: use it inside tests or hooks');
      return api;
    },
  };
}
