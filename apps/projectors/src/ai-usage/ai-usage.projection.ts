import { DB } from '@app/read-store';
import { defineProjection } from '@app/projections';
import { assertNever } from '@app/domain';
import { sql } from 'kysely';

/** The calendar month (UTC) of an instant, as budgets count them: 2026-11. */
export function utcMonth(instant: string): string {
  return new Date(instant).toISOString().slice(0, 7);
}

/**
 * AI usage per workspace, month, user, model and kind of generation: requests (cached and
 * offline apart) and tokens. The usage report sums it per workspace and per user; cost is
 * estimated from the model and tokens when read, so a price change needs no rebuild.
 */
export const aiUsageProjection = defineProjection<DB>()({
  name: 'ai_usage',
  version: 1,
  handles: ['AiDraftGenerated'],
  tables: ['ai_usage'],

  async migrate(db, schema) {
    const t = sql.id(schema, 'ai_usage');
    await sql`
      create table ${t} (
        workspace_id uuid not null,
        month text not null,
        user_id uuid not null,
        model text not null,
        kind text not null,
        requests integer not null default 0,
        cached_requests integer not null default 0,
        offline_requests integer not null default 0,
        prompt_tokens bigint not null default 0,
        completion_tokens bigint not null default 0,
        total_tokens bigint not null default 0,
        first_generated_at timestamptz not null,
        last_generated_at timestamptz not null,
        -- The last generation counted in this row: counting the same event twice is a no-op.
        last_position numeric(40, 0) not null,
        primary key (workspace_id, month, user_id, model, kind)
      )`.execute(db);
  },

  async apply({ db, orderKey }, events) {
    for (const event of events) {
      switch (event.type) {
        case 'AiDraftGenerated': {
          const d = event.data;
          const at = new Date(d.generatedAt).toISOString();
          await db
            .insertInto('aiUsage')
            .values({
              workspaceId: d.workspaceId,
              month: utcMonth(d.generatedAt),
              userId: d.requestedBy,
              model: d.model,
              kind: d.kind,
              requests: 1,
              cachedRequests: d.cached ? 1 : 0,
              offlineRequests: d.offline ? 1 : 0,
              promptTokens: d.promptTokens,
              completionTokens: d.completionTokens,
              totalTokens: d.totalTokens,
              firstGeneratedAt: at,
              lastGeneratedAt: at,
              lastPosition: orderKey(event),
            })
            .onConflict((oc) =>
              oc
                .columns(['workspaceId', 'month', 'userId', 'model', 'kind'])
                .doUpdateSet((eb) => ({
                  requests: eb('aiUsage.requests', '+', eb.ref('excluded.requests')),
                  cachedRequests: eb('aiUsage.cachedRequests', '+', eb.ref('excluded.cachedRequests')),
                  offlineRequests: eb('aiUsage.offlineRequests', '+', eb.ref('excluded.offlineRequests')),
                  promptTokens: eb('aiUsage.promptTokens', '+', eb.ref('excluded.promptTokens')),
                  completionTokens: eb('aiUsage.completionTokens', '+', eb.ref('excluded.completionTokens')),
                  totalTokens: eb('aiUsage.totalTokens', '+', eb.ref('excluded.totalTokens')),
                  lastGeneratedAt: eb.ref('excluded.lastGeneratedAt'),
                  lastPosition: eb.ref('excluded.lastPosition'),
                }))
                .whereRef('aiUsage.lastPosition', '<', 'excluded.lastPosition'),
            )
            .execute();
          break;
        }
        default:
          assertNever(event.type, 'ai usage event');
      }
    }
  },
});
