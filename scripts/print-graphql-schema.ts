import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCHEMA_FILE, printApiSchema } from '../apps/api/src/index';

/** `npm run schema:graphql`: writes apps/api/schema.graphql from the resolvers (commit it). */
async function main(): Promise<void> {
  const file = join(__dirname, '..', SCHEMA_FILE);
  writeFileSync(file, await printApiSchema());
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
