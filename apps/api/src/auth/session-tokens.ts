import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DB } from '@app/read-store';
import { KYSELY } from '@app/platform';
import { Role } from '@app/events';
import { Kysely } from 'kysely';
import { API_SETTINGS } from '../api.tokens';
import { ApiSettings } from '../api.config';
import { AccessTokens } from '../common/auth/access-tokens';
import { unauthenticated } from '../common/errors/api-errors';

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

export type Session = { accessToken: string; accessTokenExpiresAt: Date; refreshToken: string; refreshTokenExpiresAt: Date };

/**
 * Access tokens plus rotating refresh tokens. Only a hash of a refresh token is stored. Each
 * use replaces it; presenting a replaced one means it leaked, so its whole family is revoked.
 */
@Injectable()
export class SessionTokens {
  constructor(
    @Inject(KYSELY) private readonly db: Kysely<DB>,
    @Inject(API_SETTINGS) private readonly settings: ApiSettings,
    private readonly access: AccessTokens,
  ) {}

  async open(actor: { userId: string; workspaceId: string; role: Role }, familyId: string = randomUUID()): Promise<Session> {
    const { token: accessToken, expiresAt: accessTokenExpiresAt } = this.access.issue(actor);
    const refreshToken = randomBytes(32).toString('base64url');
    const refreshTokenExpiresAt = new Date(Date.now() + this.settings.refreshTokenTtlDays * 86_400_000);
    await this.db
      .insertInto('refreshTokens')
      .values({ tokenHash: digest(refreshToken), familyId, userId: actor.userId, workspaceId: actor.workspaceId, expiresAt: refreshTokenExpiresAt })
      .execute();
    return { accessToken, accessTokenExpiresAt, refreshToken, refreshTokenExpiresAt };
  }

  /** Spends a refresh token: returns whose it was, or refuses (and revokes on reuse). */
  async spend(refreshToken: string): Promise<{ userId: string; workspaceId: string; familyId: string }> {
    const tokenHash = digest(refreshToken);
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('refreshTokens').selectAll().where('tokenHash', '=', tokenHash).forUpdate().executeTakeFirst();
      if (!row) throw unauthenticated('This refresh token is not valid: log in again', 'AUTH.REFRESH_INVALID');
      if (row.revokedAt) {
        await trx.updateTable('refreshTokens').set({ revokedAt: new Date() }).where('familyId', '=', row.familyId).where('revokedAt', 'is', null).execute();
        throw unauthenticated('This refresh token was already used: every session from it is now closed; log in again', 'AUTH.REFRESH_REUSED');
      }
      if (row.expiresAt.getTime() <= Date.now()) throw unauthenticated('This refresh token has expired: log in again', 'AUTH.REFRESH_EXPIRED');
      await trx.updateTable('refreshTokens').set({ revokedAt: new Date() }).where('tokenHash', '=', tokenHash).execute();
      return { userId: row.userId, workspaceId: row.workspaceId, familyId: row.familyId };
    });
  }
}
