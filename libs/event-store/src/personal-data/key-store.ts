import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Pool } from 'pg';

/** A subject's data key, or null when it was erased (crypto-shredded). */
export type DataKey = Buffer | null;

/** Per-subject data keys. The store of record for "can this lead's data still be read". */
export interface KeyStore {
  /** Keys for encrypting; creates missing ones. Erased subjects map to null. */
  keysForWriting(subjectIds: readonly string[]): Promise<Map<string, DataKey>>;
  /** Keys for reading; unknown or erased subjects map to null. */
  keysForReading(subjectIds: readonly string[]): Promise<Map<string, DataKey>>;
  /** Deletes the subject's key for good and leaves a tombstone. */
  erase(subjectId: string): Promise<void>;
  /** Forget cached keys (another process erased one). */
  forget(subjectId?: string): void;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** AES-256-GCM with a random IV; output is iv | tag | ciphertext. */
export function seal(key: Buffer, plaintext: Buffer, aad?: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  if (aad) cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

export function open(key: Buffer, sealed: Buffer, aad?: Buffer): Buffer {
  const iv = sealed.subarray(0, IV_BYTES);
  const tag = sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  if (aad) decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
}

/** Parses a 32-byte master key given as base64 or hex; names the problem otherwise. */
export function parseMasterKey(value: string, variable = 'PII_MASTER_KEY'): Buffer {
  const trimmed = value.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new Error(`${variable} must be 32 bytes, as 64 hex digits or base64 (got ${key.length} bytes)`);
  return key;
}

type CacheEntry = { key: DataKey; until: number };

/**
 * Keys in PostgreSQL (`personal_data_keys`), each wrapped with the master key. Unwrapped keys
 * are cached briefly; erasure removes the key from this process at once, and from other
 * processes when their cache entry expires or they are told to forget it.
 */
export class PostgresKeyStore implements KeyStore {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(
    private readonly pool: Pool,
    private readonly masterKey: Buffer,
    private readonly options: { cacheTtlMs?: number; cacheSize?: number; now?: () => number } = {},
  ) {
    if (masterKey.length !== 32) throw new Error('the master key must be 32 bytes');
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private remember(subjectId: string, key: DataKey): void {
    const max = this.options.cacheSize ?? 50_000;
    if (this.cache.size >= max) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(subjectId, { key, until: this.now() + (this.options.cacheTtlMs ?? 60_000) });
  }

  private cached(subjectIds: readonly string[]): { found: Map<string, DataKey>; missing: string[] } {
    const found = new Map<string, DataKey>();
    const missing: string[] = [];
    const now = this.now();
    for (const id of new Set(subjectIds)) {
      const entry = this.cache.get(id);
      if (entry && entry.until > now) found.set(id, entry.key);
      else missing.push(id);
    }
    return { found, missing };
  }

  private async load(subjectIds: string[], into: Map<string, DataKey>): Promise<string[]> {
    const { rows } = await this.pool.query<{ subject_id: string; wrapped_key: Buffer | null }>(
      'select subject_id, wrapped_key from personal_data_keys where subject_id = any($1)',
      [subjectIds],
    );
    for (const row of rows) {
      const key = row.wrapped_key ? open(this.masterKey, row.wrapped_key, Buffer.from(row.subject_id)) : null;
      into.set(row.subject_id, key);
      this.remember(row.subject_id, key);
    }
    return subjectIds.filter((id) => !into.has(id));
  }

  async keysForReading(subjectIds: readonly string[]): Promise<Map<string, DataKey>> {
    const { found, missing } = this.cached(subjectIds);
    if (missing.length) {
      for (const unknown of await this.load(missing, found)) found.set(unknown, null);
    }
    return found;
  }

  async keysForWriting(subjectIds: readonly string[]): Promise<Map<string, DataKey>> {
    const { found, missing } = this.cached(subjectIds);
    // Cached tombstones are rechecked only by TTL, which is safe: erasure never comes back.
    if (!missing.length) return found;
    const absent = await this.load(missing, found);
    if (absent.length) {
      const fresh = absent.map((id) => ({ id, key: randomBytes(32) }));
      await this.pool.query(
        `insert into personal_data_keys (subject_id, wrapped_key)
         select * from unnest($1::text[], $2::bytea[]) on conflict (subject_id) do nothing`,
        [fresh.map((f) => f.id), fresh.map((f) => seal(this.masterKey, f.key, Buffer.from(f.id)))],
      );
      // A concurrent writer may have created some first: read back what won.
      await this.load(absent, found);
    }
    return found;
  }

  async erase(subjectId: string): Promise<void> {
    await this.pool.query(
      `insert into personal_data_keys (subject_id, wrapped_key, erased_at) values ($1, null, now())
       on conflict (subject_id) do update set wrapped_key = null, erased_at = coalesce(personal_data_keys.erased_at, now())`,
      [subjectId],
    );
    this.remember(subjectId, null);
  }

  forget(subjectId?: string): void {
    if (subjectId === undefined) this.cache.clear();
    else this.cache.delete(subjectId);
  }
}
