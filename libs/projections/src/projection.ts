import { DomainEvent, EventType, Recorded } from '@app/events';
import { RecordedEvent } from '@app/event-store';
import { Kysely, Transaction } from 'kysely';

export type ProjectionLogger = {
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
};

/** What `apply` gets besides the events. */
export type ProjectionContext<DB> = {
  /** The batch's transaction, already bound to this projection version's schema. */
  db: Transaction<DB>;
  /** The PostgreSQL schema holding this version's tables, for raw SQL. */
  schema: string;
  /** A `numeric` value ordering events like the log does; store it to make apply idempotent. */
  orderKey(event: RecordedEvent): string;
  /** Odd data is clamped or defaulted with a warning, never thrown on. */
  warn(message: string, details?: Record<string, unknown>): void;
};

/**
 * One read model: the events it handles, the tables it owns (created by `migrate` in the
 * schema of its version) and how a batch of events changes them. Changing a projection means
 * bumping `version`: the new version is built from the log in new tables, then switched in.
 */
export type Projection<DB = unknown, T extends EventType = EventType> = {
  readonly name: string;
  readonly version: number;
  readonly handles: readonly T[];
  /** Tables it owns; public views of the same names show the serving version. */
  readonly tables: readonly string[];
  /**
   * Which personal fields `apply` reads: false for none, or the event types whose personal
   * fields it reads. A rebuild leaves the others sealed for it (no key lookups, no
   * decryption). Default true: every handled type.
   */
  readonly readsPersonalData?: boolean | readonly EventType[];
  /** Creates its tables and the indexes `apply` needs; `db` is bound to the version's schema. */
  migrate(db: Kysely<unknown>, schema: string): Promise<void>;
  /**
   * Secondary indexes that only queries need (`create index if not exists`: it may run more than
   * once). A version built off to the side (a rebuild, a background build, a replay) gets them
   * once it has caught up, before it serves: one index build is much cheaper than maintaining
   * the index row by row through the whole log. Otherwise they come with the tables.
   */
  indexes?(db: Kysely<unknown>, schema: string): Promise<void>;
  /** Applies one batch, in log order. Must be safe to run twice for the same events. */
  apply(context: ProjectionContext<DB>, events: readonly RecordedOf<T>[]): Promise<void>;
};

/** A recorded event of one of the given types. */
export type RecordedOf<T extends EventType> = Recorded<Extract<DomainEvent, { type: T }>>;

/**
 * Declares a projection for a database type: `defineProjection<DB>()({ ... })`. `apply` sees
 * only the event types listed in `handles`, so a switch over them ends in an exhaustive
 * `never` check.
 */
export function defineProjection<DB>() {
  // The runner hands a projection only the types it handles, so the narrowed `apply` is safe
  // behind the general signature (TypeScript cannot see through Extract<> to prove it).
  return <const T extends EventType>(projection: Projection<DB, T>): Projection<DB> => projection as unknown as Projection<DB>;
}
