import { notFound } from '../errors/api-errors';

/**
 * Another workspace's ids answer NOT_FOUND, exactly like ids that do not exist: nothing tells
 * a caller that the id is real.
 */
export function requireOwnWorkspace<S extends { status: string }>(state: S, workspaceId: string, what: string, id: string): S {
  const owner = 'workspaceId' in state ? (state as { workspaceId: unknown }).workspaceId : undefined;
  if (state.status === 'none' || owner !== workspaceId) throw notFound(what, id);
  return state;
}
