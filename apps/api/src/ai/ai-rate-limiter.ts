import { Inject, Injectable } from '@nestjs/common';
import { DB } from '@app/read-store';
import { KYSELY } from '@app/platform';
import { Kysely, sql } from 'kysely';

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Requests per minute per workspace, across every API process: a token bucket in PostgreSQL
 * holding up to a minute's requests and refilling continuously, so a burst is allowed and a
 * steady rate is held. Taking a token is one upsert (the row lock orders concurrent takers); a
 * refused request takes nothing. The database clock is the only clock, so processes agree.
 */
@Injectable()
export class AiRateLimiter {
  constructor(@Inject(KYSELY) private readonly db: Kysely<DB>) {}

  async take(workspaceId: string, perMinute: number): Promise<RateDecision> {
    const capacity = Math.max(1, perMinute);
    const available = sql<number>`least(${capacity}::float8, b.tokens + extract(epoch from statement_timestamp() - b.refilled_at) * ${capacity}::float8 / 60)`;
    const taken = await sql<{ tokens: number }>`
      insert into ai_rate_limits as b (workspace_id, tokens, refilled_at)
      values (${workspaceId}, ${capacity - 1}, statement_timestamp())
      on conflict (workspace_id) do update
        set tokens = ${available} - 1, refilled_at = statement_timestamp()
        where ${available} >= 1
      returning tokens`.execute(this.db);
    if (taken.rows.length > 0) return { allowed: true };
    const { rows } = await sql<{ available: number }>`select ${available} as available from ai_rate_limits b where workspace_id = ${workspaceId}`.execute(this.db);
    const missing = 1 - Number(rows[0]?.available ?? 0);
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((missing * 60) / capacity)) };
  }
}
