import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { resolvers } from './api.components';

/** Where the committed schema lives, relative to the repository root. */
export const SCHEMA_FILE = 'apps/api/schema.graphql';

const HEADER = '# Generated from the resolvers by `npm run schema:graphql`. Do not edit: a test fails when it drifts.\n\n';

/**
 * The GraphQL schema as SDL, sorted, built from the resolvers alone (no database, no server):
 * what `npm run schema:graphql` writes and what the drift test compares.
 */
export async function printApiSchema(): Promise<string> {
  const app = await NestFactory.create(GraphQLSchemaBuilderModule, { logger: false });
  try {
    await app.init();
    const schema = await app.get(GraphQLSchemaFactory).create(resolvers);
    return `${HEADER}${printSchema(lexicographicSortSchema(schema))}\n`;
  } finally {
    await app.close();
  }
}
