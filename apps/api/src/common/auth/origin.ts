import { runWithContext } from '@app/platform';
import { Actor } from './actor';

/**
 * Who asks for a tracking fact to be recorded: a member through GraphQL (scoped to their
 * workspace), or the recipient through a signed tracking link (the token is the authority,
 * and the workspace is the email's).
 */
export type Origin = { kind: 'member'; actor: Actor } | { kind: 'recipient' };

/** The actor id written into the events: the member, or the lead acting through its link. */
export function actorIdOf(origin: Origin, leadId: string): string {
  return origin.kind === 'member' ? origin.actor.userId : `lead:${leadId}`;
}

/**
 * Runs `work` as the origin: a recipient's hit has no authenticated caller, so the request
 * context gets the lead as actor and the email's workspace, which the appended events record.
 */
export function runAsOrigin<T>(origin: Origin, scope: { workspaceId: string; leadId: string }, work: () => Promise<T>): Promise<T> {
  if (origin.kind === 'member') return work();
  return runWithContext({ actorId: actorIdOf(origin, scope.leadId), workspaceId: scope.workspaceId, role: 'RECIPIENT' }, work);
}
