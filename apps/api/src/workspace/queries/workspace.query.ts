import { Inject, Injectable } from '@nestjs/common';
import { DB } from '@app/read-store';
import { KYSELY } from '@app/platform';
import { Kysely } from 'kysely';
import { ApiSettings, OFFLINE_AI_SETTINGS } from '../../api.config';
import { API_SETTINGS } from '../../api.tokens';
import { AiLimitsModel, WorkspaceDetailsModel } from './workspace.model';

/** Reads a workspace with its profile and AI limits (the members read model). */
@Injectable()
export class WorkspaceQuery {
  constructor(
    @Inject(KYSELY) private readonly db: Kysely<DB>,
    @Inject(API_SETTINGS) private readonly settings: ApiSettings,
  ) {}

  /** The workspace's limits, or the server's defaults while none are set. */
  async aiLimits(workspaceId: string): Promise<AiLimitsModel> {
    const row = await this.db.selectFrom('workspaces').select(['aiMonthlyTokenBudget', 'aiRequestsPerMinute', 'aiLimitsSetAt']).where('workspaceId', '=', workspaceId).executeTakeFirst();
    return this.limitsOf(row ?? { aiMonthlyTokenBudget: null, aiRequestsPerMinute: null, aiLimitsSetAt: null });
  }

  private limitsOf(row: { aiMonthlyTokenBudget: string | null; aiRequestsPerMinute: number | null; aiLimitsSetAt: Date | null }): AiLimitsModel {
    const defaults = (this.settings.ai ?? OFFLINE_AI_SETTINGS).defaultLimits;
    if (row.aiMonthlyTokenBudget === null || row.aiRequestsPerMinute === null) return { ...defaults, isDefault: true, setAt: null };
    return { monthlyTokenBudget: Number(row.aiMonthlyTokenBudget), requestsPerMinute: row.aiRequestsPerMinute, isDefault: false, setAt: row.aiLimitsSetAt };
  }

  async byId(workspaceId: string): Promise<WorkspaceDetailsModel | null> {
    const row = await this.db.selectFrom('workspaces').selectAll().where('workspaceId', '=', workspaceId).executeTakeFirst();
    if (!row) return null;
    const openai = (this.settings.ai ?? OFFLINE_AI_SETTINGS).openai;
    return {
      id: row.workspaceId,
      name: row.name,
      createdAt: row.createdAt,
      profile: { companyName: row.companyName, postalAddress: row.postalAddress, productDescription: row.productDescription, website: row.website, updatedAt: row.profileUpdatedAt },
      aiLimits: this.limitsOf(row),
      ai: { online: openai !== null, model: openai?.model ?? 'offline' },
    };
  }
}
