import { z } from 'zod';
import { commonEnv, parseEnv, port, positiveInt } from '@app/platform';

export const projectorsEnv = z.object({
  ...commonEnv,
  /** Health and metrics only. */
  PORT: port(3001),
  PROJECTION_BATCH_SIZE: positiveInt(500),
  DATABASE_POOL_SIZE: positiveInt(10),
});

export type ProjectorsSettings = { batchSize: number };

export function projectorsSettingsFrom(env: z.output<typeof projectorsEnv>): ProjectorsSettings {
  return { batchSize: env.PROJECTION_BATCH_SIZE };
}

export function loadProjectorsEnv(env: Record<string, string | undefined> = process.env) {
  return parseEnv(projectorsEnv, env);
}
