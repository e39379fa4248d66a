import { ExecutionContext, SetMetadata, createParamDecorator } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { Role } from '@app/events';
import { PUBLIC_ROUTE, PublicRoute } from '@app/platform';
import { Actor } from './actor';

export const PUBLIC_KEY = PUBLIC_ROUTE;
export const ROLES_KEY = 'auth:roles';

/** No token needed (register, login, refresh, tracking). */
export const Public = PublicRoute;

/**
 * Who may call this. Without it, queries are open to every member (auditors included) and
 * mutations to those who may issue commands.
 */
export const AllowRoles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

export type RequestWithActor = { actor?: Actor; headers: Record<string, string | string[] | undefined> };

export function requestOf(context: ExecutionContext): RequestWithActor {
  if (context.getType<string>() === 'graphql') return GqlExecutionContext.create(context).getContext<{ req: RequestWithActor }>().req;
  return context.switchToHttp().getRequest<RequestWithActor>();
}

/** The authenticated caller. */
export const CurrentActor = createParamDecorator((_data: unknown, context: ExecutionContext): Actor => {
  const actor = requestOf(context).actor;
  if (!actor) throw new Error('CurrentActor used on a route without authentication');
  return actor;
});
