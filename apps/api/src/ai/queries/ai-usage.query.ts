import { Inject, Injectable } from '@nestjs/common';
import { estimateCostUsd } from '@app/ai';
import { AiDraftKinds } from '@app/events';
import { DB } from '@app/read-store';
import { KYSELY } from '@app/platform';
import { Kysely } from 'kysely';
import { WorkspaceQuery } from '../../workspace/queries/workspace.query';
import { AiDraftKindEnum, AiUsageModel, AiUsageTotalsModel } from './ai-usage.model';

type Row = { userId: string; model: string; kind: string; requests: number; cachedRequests: number; offlineRequests: number; promptTokens: string; completionTokens: string; totalTokens: string; name: string | null; email: string | null };

function totalsOf(rows: readonly Row[]): AiUsageTotalsModel {
  const totals: AiUsageTotalsModel = { requests: 0, cachedRequests: 0, offlineRequests: 0, promptTokens: 0, completionTokens: 0, totalTokens: 0, estimatedCostUsd: 0 };
  for (const row of rows) {
    const prompt = Number(row.promptTokens);
    const completion = Number(row.completionTokens);
    totals.requests += row.requests;
    totals.cachedRequests += row.cachedRequests;
    totals.offlineRequests += row.offlineRequests;
    totals.promptTokens += prompt;
    totals.completionTokens += completion;
    totals.totalTokens += Number(row.totalTokens);
    const cost = estimateCostUsd(row.model, prompt, completion);
    // One unpriced model with tokens spent makes the total unknown rather than too low.
    totals.estimatedCostUsd = cost === null ? (prompt + completion > 0 ? null : totals.estimatedCostUsd) : totals.estimatedCostUsd === null ? null : totals.estimatedCostUsd + cost;
  }
  if (totals.estimatedCostUsd !== null) totals.estimatedCostUsd = Math.round(totals.estimatedCostUsd * 1e6) / 1e6;
  return totals;
}

function groupBy<K extends string>(rows: readonly Row[], key: (row: Row) => K): Map<K, Row[]> {
  const groups = new Map<K, Row[]>();
  for (const row of rows) groups.set(key(row), [...(groups.get(key(row)) ?? []), row]);
  return groups;
}

const isKind = (kind: string): kind is AiDraftKindEnum => (AiDraftKinds as readonly string[]).includes(kind);

/** The usage report: the ai_usage read model summed per workspace, user, kind and model. */
@Injectable()
export class AiUsageQuery {
  constructor(
    @Inject(KYSELY) private readonly db: Kysely<DB>,
    private readonly workspaces: WorkspaceQuery,
  ) {}

  async forMonth(workspaceId: string, month: string): Promise<AiUsageModel> {
    const [rows, limits] = await Promise.all([
      this.db
        .selectFrom('aiUsage as a')
        .leftJoin('users as u', 'u.userId', 'a.userId')
        .select(['a.userId', 'a.model', 'a.kind', 'a.requests', 'a.cachedRequests', 'a.offlineRequests', 'a.promptTokens', 'a.completionTokens', 'a.totalTokens', 'u.name', 'u.email'])
        .where('a.workspaceId', '=', workspaceId)
        .where('a.month', '=', month)
        .execute(),
      this.workspaces.aiLimits(workspaceId),
    ]);
    const totals = totalsOf(rows);
    const byUser = [...groupBy(rows, (r) => r.userId)].map(([userId, group]) => ({ userId, name: group[0]?.name ?? null, email: group[0]?.email ?? null, totals: totalsOf(group) }));
    byUser.sort((a, b) => b.totals.totalTokens - a.totals.totalTokens || a.userId.localeCompare(b.userId));
    const byKind = [...groupBy(rows, (r) => r.kind)].flatMap(([kind, group]) => (isKind(kind) ? [{ kind, totals: totalsOf(group) }] : [])).sort((a, b) => a.kind.localeCompare(b.kind));
    const byModel = [...groupBy(rows, (r) => r.model)].map(([model, group]) => ({ model, totals: totalsOf(group) })).sort((a, b) => a.model.localeCompare(b.model));
    return { month, totals, byUser, byKind, byModel, limits, tokensRemaining: Math.max(0, limits.monthlyTokenBudget - totals.totalTokens) };
  }
}
