import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCHEMA_FILE, printApiSchema } from '../../apps/api/src/index';

describe('the committed GraphQL schema', () => {
  it('matches the resolvers (run `npm run schema:graphql` and commit apps/api/schema.graphql after changing the API)', async () => {
    const committed = readFileSync(join(__dirname, '..', '..', SCHEMA_FILE), 'utf8');
    expect(committed).toBe(await printApiSchema());
  });
});
