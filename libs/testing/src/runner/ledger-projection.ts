import { EventStore } from '@app/event-store';
import { Projection, defineProjection } from '@app/projections';
import { sql } from 'kysely';
import { templateCreated, writeMetadata } from '../event-factories';
import { idFactory } from '../fixtures';

export type LedgerOptions = {
  name?: string;
  version?: number;
  /** Each gets one row per event: (event_id, position, version). */
  tables?: readonly string[];
  /** A pause inside each batch's transaction, so a test can catch a batch in flight. */
  delayMs?: number;
  /** Events whose template name is this fail every time they are applied. */
  poisonName?: string;
  /** Only events whose template name starts with this get rows (tests sharing one log). */
  prefix?: string;
  /** A secondary index on each table's name column (`<table>_by_name`). */
  indexes?: boolean;
};

/**
 * A deliberately naive projection for runner tests: it appends a row per event with no key
 * and no guard, so any event applied twice shows as a duplicate row and any event lost as a
 * missing one. It handles TemplateCreated only (no personal data: cheap to append in bulk).
 */
export function ledgerProjection(options: LedgerOptions = {}): Projection<unknown> {
  const version = options.version ?? 1;
  const tables = options.tables ?? ['ledger'];
  return defineProjection<unknown>()({
    name: options.name ?? 'ledger',
    version,
    handles: ['TemplateCreated'],
    tables,
    async migrate(db, schema) {
      for (const table of tables) {
        await sql`create table ${sql.id(schema, table)} (event_id uuid not null, position text not null, name text not null, version integer not null)`.execute(db);
      }
    },
    ...(options.indexes
      ? {
          async indexes(db, schema) {
            for (const table of tables) await sql`create index if not exists ${sql.id(`${table}_by_name`)} on ${sql.id(schema, table)} (name)`.execute(db);
          },
        }
      : {}),
    async apply({ db, schema }, events) {
      if (options.poisonName && events.some((e) => e.data.name === options.poisonName)) throw new Error(`poisoned event: ${options.poisonName}`);
      const prefix = options.prefix;
      events = prefix === undefined ? events : events.filter((e) => e.data.name.startsWith(prefix));
      for (const table of tables) {
        await sql`
          insert into ${sql.id(schema, table)} (event_id, position, name, version)
          select e.id, e.position, e.name, ${version}::int
          from unnest(${events.map((e) => e.id)}::uuid[], ${events.map((e) => e.position)}::text[], ${events.map((e) => e.data.name)}::text[]) as e(id, position, name)`.execute(db);
      }
      if (options.delayMs) await sql`select pg_sleep(${options.delayMs / 1000})`.execute(db);
    },
  });
}

const ids = idFactory();

/** Appends `count` TemplateCreated events (one stream each), named `<prefix>-<n>` unless `names` says otherwise. */
export async function appendLedgerEvents(store: EventStore, count: number, options: { prefix?: string; names?: (n: number) => string } = {}): Promise<string[]> {
  const appended: string[] = [];
  for (let n = 0; n < count; n++) {
    const templateId = ids('ledger-template');
    const name = options.names?.(n) ?? `${options.prefix ?? 'event'}-${n}`;
    await store.append(`template-${templateId}`, [templateCreated(templateId, { name })], 'no_stream', writeMetadata());
    appended.push(templateId);
  }
  return appended;
}
