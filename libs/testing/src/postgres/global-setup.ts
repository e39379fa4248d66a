import { ENV_SERVER, ENV_TEMPLATE, dropLeftovers, ensureTemplate, resolveTestServer } from './test-server';

declare global {
  // eslint-disable-next-line no-var
  var __copilotStopEmbedded: (() => Promise<void>) | undefined;
}

/** Runs once per test run: finds PostgreSQL and prepares the migrated template database. */
export default async function globalSetup(): Promise<void> {
  const server = await resolveTestServer((line) => process.stderr.write(`${line}\n`));
  globalThis.__copilotStopEmbedded = server.stop;
  await dropLeftovers(server.url);
  const template = await ensureTemplate(server.url);
  // Workers start after this and inherit the environment.
  process.env[ENV_SERVER] = server.url;
  process.env[ENV_TEMPLATE] = template;
  process.stderr.write(`\nTests use PostgreSQL from ${server.source} (template database ${template})\n`);
}
