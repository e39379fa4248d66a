import { Inject, Injectable } from '@nestjs/common';
import { Roles } from '@app/events';
import { KeyObject, createSecretKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { API_SETTINGS } from '../../api.tokens';
import { ApiSettings } from '../../api.config';
import { unauthenticated } from '../errors/api-errors';
import { Actor } from './actor';

const ISSUER = 'sales-email-copilot';

/** Short-lived signed access tokens (JWT, HS256): who, in which workspace, with which role. */
@Injectable()
export class AccessTokens {
  /** Made once: building the key object from the string on every request was 5% of CPU. */
  private readonly key: KeyObject;

  constructor(@Inject(API_SETTINGS) private readonly settings: ApiSettings) {
    this.key = createSecretKey(Buffer.from(settings.jwtSecret, 'utf8'));
  }

  issue(actor: Actor): { token: string; expiresAt: Date } {
    const expiresIn = this.settings.accessTokenTtlSeconds;
    const token = jwt.sign({ ws: actor.workspaceId, role: actor.role }, this.key, {
      algorithm: 'HS256',
      subject: actor.userId,
      issuer: ISSUER,
      expiresIn,
    });
    return { token, expiresAt: new Date(Date.now() + expiresIn * 1000) };
  }

  verify(token: string): Actor {
    let payload: jwt.JwtPayload | string;
    try {
      payload = jwt.verify(token, this.key, { algorithms: ['HS256'], issuer: ISSUER });
    } catch (error) {
      if (error instanceof jwt.TokenExpiredError) throw unauthenticated('The access token has expired: use refreshToken to get a new one', 'AUTH.TOKEN_EXPIRED');
      throw unauthenticated('The access token is not valid: log in again', 'AUTH.TOKEN_INVALID');
    }
    if (typeof payload === 'string' || typeof payload.sub !== 'string' || typeof payload.ws !== 'string') throw unauthenticated('The access token is not valid: log in again', 'AUTH.TOKEN_INVALID');
    const role = Roles.find((r) => r === payload.role);
    if (!role) throw unauthenticated('The access token is not valid: log in again', 'AUTH.TOKEN_INVALID');
    return { userId: payload.sub, workspaceId: payload.ws, role };
  }
}
