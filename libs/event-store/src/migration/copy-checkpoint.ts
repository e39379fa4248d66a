import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Pool } from 'pg';

export type CopyCheckpointState = {
  /** Source position of the last event copied (exclusive resume point); null before the first. */
  position: string | null;
  /** Events handled so far, for the progress shown on resume. */
  copied: number;
};

/** Where a copy of an event store records how far it got. */
export type CopyCheckpoint = {
  load(): Promise<CopyCheckpointState>;
  save(state: CopyCheckpointState): Promise<void>;
  /** Forgets the progress (a fresh copy). */
  reset(): Promise<void>;
};

/** Progress in `es_copy_progress` (keys database), one row per copy job. */
export class PostgresCopyCheckpoint implements CopyCheckpoint {
  constructor(
    private readonly pool: Pool,
    private readonly job: string,
  ) {}

  async load(): Promise<CopyCheckpointState> {
    const { rows } = await this.pool.query<{ source_position: string | null; copied: string }>(
      'select source_position, copied::text as copied from es_copy_progress where job = $1',
      [this.job],
    );
    const row = rows[0];
    return row ? { position: row.source_position, copied: Number(row.copied) } : { position: null, copied: 0 };
  }

  async save(state: CopyCheckpointState): Promise<void> {
    await this.pool.query(
      `insert into es_copy_progress (job, source_position, copied) values ($1, $2, $3)
       on conflict (job) do update set source_position = excluded.source_position, copied = excluded.copied, updated_at = now()`,
      [this.job, state.position, state.copied],
    );
  }

  async reset(): Promise<void> {
    await this.pool.query('delete from es_copy_progress where job = $1', [this.job]);
  }
}

/** Progress in a small JSON file, replaced atomically (write, then rename). */
export class FileCopyCheckpoint implements CopyCheckpoint {
  constructor(private readonly path: string) {}

  async load(): Promise<CopyCheckpointState> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return { position: null, copied: 0 };
      throw error;
    }
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) throw new Error(`${this.path} is not a copy checkpoint`);
    const { position, copied } = parsed as Record<string, unknown>;
    if ((position !== null && typeof position !== 'string') || typeof copied !== 'number') throw new Error(`${this.path} is not a copy checkpoint`);
    return { position, copied };
  }

  async save(state: CopyCheckpointState): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(state)}\n`);
    await rename(temporary, this.path);
  }

  async reset(): Promise<void> {
    await this.save({ position: null, copied: 0 });
  }
}
