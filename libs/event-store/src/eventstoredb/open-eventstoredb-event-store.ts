import { Pool } from 'pg';
import { OpenedEventStore, openEventStore } from '../open-event-store';
import { PostgresEventIdRegistry } from './event-id-registry';
import { EventStoreDbEventStore, EventStoreDbEventStoreOptions } from './eventstoredb-event-store';

export type OpenEventStoreDbOptions = Omit<EventStoreDbEventStoreOptions, 'eventIds'> & {
  /** The PostgreSQL database with the personal-data keys; event ids are claimed there too. */
  keysDatabaseUrl: string;
  masterKey: Buffer;
  keyCacheTtlMs?: number;
  /** A pool of the keys database shared with the rest of the process (not closed here). */
  sharedPool?: Pool;
};

/**
 * The production wiring: the log in EventStoreDB, personal-data keys and the event-id registry
 * in PostgreSQL (migrated with `migrateEventStore`).
 */
export function openEventStoreDbEventStore(options: OpenEventStoreDbOptions): OpenedEventStore & { adapter: EventStoreDbEventStore } {
  const { keysDatabaseUrl, masterKey, keyCacheTtlMs, sharedPool, ...adapterOptions } = options;
  const idPool = sharedPool ?? new Pool({ connectionString: keysDatabaseUrl, max: 4 });
  if (!sharedPool) idPool.on('error', () => undefined);
  const adapter = new EventStoreDbEventStore({ ...adapterOptions, eventIds: new PostgresEventIdRegistry(idPool) });
  const opened = openEventStore({ adapter, keysDatabaseUrl, masterKey, keyCacheTtlMs, sharedPool });
  return {
    ...opened,
    adapter,
    close: async () => {
      await opened.close();
      if (!sharedPool) await idPool.end();
    },
  };
}
