import { readFileSync } from 'node:fs';
import { ENV_SERVER } from '@app/testing';
import { TYPES_FILE, generateDbTypes } from '../scripts/generate-db-types';

describe('generated read-store types', () => {
  it('match a freshly migrated database (run `npm run db:types` after changing a migration or a projection table)', async () => {
    const server = process.env[ENV_SERVER];
    if (!server) throw new Error('test database harness not set up');
    const generated = await generateDbTypes(server);
    expect(readFileSync(TYPES_FILE, 'utf8')).toBe(generated);
  });
});
