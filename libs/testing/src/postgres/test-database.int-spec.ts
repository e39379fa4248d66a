import { useTestDatabase } from './test-database';
import { assertTestDatabase } from './test-server';

const db = useTestDatabase();

describe('the test database harness', () => {
  it('gives each file its own migrated database', async () => {
    expect(db.name).toContain('test');
    const { rows } = await db.pool.query<{ current_database: string }>('select current_database()');
    expect(rows[0]?.current_database).toBe(db.name);
    const tables = await db.pool.query<{ tablename: string }>("select tablename from pg_tables where schemaname = 'public' order by 1");
    expect(tables.rows.map((r) => r.tablename)).toEqual(expect.arrayContaining(['es_events', 'projection_checkpoints', 'personal_data_keys']));
  });

  it('refuses a database whose name lacks "test"', () => {
    expect(() => assertTestDatabase('copilot_production')).toThrow(/Refusing/);
  });
});
