import { DB } from '@app/read-store';
import { Insertable, Kysely, RawBuilder, sql } from 'kysely';

/**
 * True when an event (by its order key) comes after the last one a row has taken in. Events
 * arrive in log order, so "at or below" means "already applied": the guard that makes an
 * accumulating row safe to feed the same events twice.
 */
export function isAfter(orderKey: string, lastPosition: string | null | undefined): boolean {
  return lastPosition === null || lastPosition === undefined || BigInt(orderKey) > BigInt(lastPosition);
}

/**
 * An instant as UTC ISO-8601 with milliseconds. Rows are folded in memory and written back, so
 * every instant is stored at the precision JavaScript reads back: a row then never depends on
 * where the batch boundaries fell (a rebuild gives the same bytes).
 */
export function utcInstant(value: string | Date): string {
  // Instants in events are nearly always written this way already: parsing and printing them
  // again would give the same string (a replay spends real time on it). Days 29 to 31 take the
  // long way: Date rolls an impossible one (02-30) over into the next month.
  if (typeof value === 'string' && value.length === 24 && canonicalInstant.test(value)) return value;
  return (value instanceof Date ? value : new Date(value)).toISOString();
}
const canonicalInstant = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|1\d|2[0-8])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

/** Like {@link utcInstant} for nullable columns read back from the database. */
export function utcInstantOrNull(value: string | Date | null): string | null {
  return value === null ? null : utcInstant(value);
}

/** The UTC calendar day (YYYY-MM-DD) of a normalised instant. */
export function utcDay(instant: string): string {
  return instant.slice(0, 10);
}

/** Splits rows so one statement stays far below PostgreSQL's 65535 parameters. */
export function inChunks<T>(items: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * `column = excluded.column` for each given column: the write-back half of "load the rows a
 * batch touches, fold the batch in memory, upsert them in one statement".
 */
export function fromExcluded<Row>(columns: readonly (keyof Row & string)[]): { [K in keyof Row]?: RawBuilder<never> } {
  return Object.fromEntries(columns.map((column) => [column, sql.ref(`excluded.${column}`)])) as { [K in keyof Row]?: RawBuilder<never> };
}

/**
 * The write-back of "load the rows a batch touches, fold the batch in memory, write them back":
 * one multi-row upsert per chunk; a row already there takes the new values of the `update`
 * columns (none: it is left as it is, for rows that never change once written). Wide rows want
 * smaller chunks (fewer parameters per statement).
 */
export async function upsertRows<T extends keyof DB & string>(
  db: Kysely<DB>,
  table: T,
  rows: readonly Insertable<DB[T]>[],
  key: readonly (keyof DB[T] & string)[],
  update: readonly (keyof DB[T] & string)[],
  chunkSize = 500,
): Promise<void> {
  // Kysely cannot follow a table name that is a type parameter; the signature above is what
  // checks each call's rows and columns against the table.
  const loose = db as unknown as Kysely<Record<string, Record<string, unknown>>>;
  const name: string = table;
  for (const chunk of inChunks(rows, chunkSize)) {
    await loose
      .insertInto(name)
      .values(chunk as Record<string, unknown>[])
      .onConflict((oc) => {
        const conflict = oc.columns(key);
        return update.length ? conflict.doUpdateSet(fromExcluded<Record<string, unknown>>(update)) : conflict.doNothing();
      })
      .execute();
  }
}
