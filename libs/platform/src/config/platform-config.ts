/** What the platform wiring needs, already validated and resolved (embedded servers started). */
export type PlatformConfig = {
  serviceName: 'api' | 'projectors' | 'schedulers' | 'standalone';
  databaseUrl: string;
  eventStore: { kind: 'postgres' } | { kind: 'eventstoredb'; url: string };
  natsUrl: string | null;
  piiMasterKey: Buffer;
  logLevel: string;
  http: { host: string; port: number };
  /** Pool size for read models and app tables. */
  databasePoolSize: number;
};
