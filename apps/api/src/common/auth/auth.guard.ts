import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { Role } from '@app/events';
import { setActor } from '@app/platform';
import { forbidden, unauthenticated } from '../errors/api-errors';
import { AccessTokens } from './access-tokens';
import { ALL_ROLES, COMMAND_ROLES } from './actor';
import { PUBLIC_KEY, ROLES_KEY, requestOf } from './auth.decorators';

/**
 * Every GraphQL operation and route needs a valid bearer token unless marked @Public. The
 * actor lands on the request and in the logging context; roles decide what it may do.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: AccessTokens,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = requestOf(context);
    const header = request.headers.authorization;
    const value = Array.isArray(header) ? header[0] : header;
    const match = value ? /^Bearer\s+(\S+)$/i.exec(value) : null;
    if (!match?.[1]) throw unauthenticated();
    const actor = this.tokens.verify(match[1]);
    request.actor = actor;
    setActor({ actorId: actor.userId, workspaceId: actor.workspaceId, role: actor.role });

    const isMutation = context.getType<string>() === 'graphql' && GqlExecutionContext.create(context).getInfo<{ operation: { operation: string } }>().operation.operation === 'mutation';
    const allowed = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets) ?? (isMutation ? COMMAND_ROLES : ALL_ROLES);
    if (!allowed.includes(actor.role)) {
      throw forbidden(actor.role === 'AUDITOR' ? 'Auditors read the workspace but issue no commands' : `This needs one of the roles ${allowed.join(', ')}`, 'AUTH.ROLE');
    }
    return true;
  }
}
