import { Pool } from 'pg';
import { EventCodec } from './codec/event-codec';
import { EventStore } from './event-store';
import { EventStoreAdapter } from './event-store.types';
import { PostgresKeyStore } from './personal-data/key-store';
import { PostgresEventStore, PostgresEventStoreOptions } from './postgres/postgres-event-store';

export type OpenedEventStore = {
  store: EventStore;
  keys: PostgresKeyStore;
  close: () => Promise<void>;
};

/**
 * Wires an adapter to the personal-data keys (always in PostgreSQL, whatever holds the log)
 * and the codec.
 */
export function openEventStore(options: { adapter: EventStoreAdapter; keysDatabaseUrl: string; masterKey: Buffer; keyCacheTtlMs?: number; sharedPool?: Pool }): OpenedEventStore {
  const keyPool = options.sharedPool ?? new Pool({ connectionString: options.keysDatabaseUrl, max: 4 });
  if (!options.sharedPool) keyPool.on('error', () => undefined);
  const keys = new PostgresKeyStore(keyPool, options.masterKey, { cacheTtlMs: options.keyCacheTtlMs });
  const store = new EventStore(options.adapter, new EventCodec(keys));
  return {
    store,
    keys,
    close: async () => {
      await store.close();
      if (!options.sharedPool) await keyPool.end();
    },
  };
}

/** The embedded default: log and keys in the same PostgreSQL database. */
export function openPostgresEventStore(options: PostgresEventStoreOptions & { masterKey: Buffer; keyCacheTtlMs?: number }): OpenedEventStore {
  return openEventStore({
    adapter: new PostgresEventStore(options),
    keysDatabaseUrl: options.connectionString,
    masterKey: options.masterKey,
    keyCacheTtlMs: options.keyCacheTtlMs,
    sharedPool: options.sharedPool,
  });
}
