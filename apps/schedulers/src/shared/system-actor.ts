import { RecordedEvent } from '@app/event-store';
import { runWithContext } from '@app/platform';

/** Who the schedulers are in the log: every event they cause names this actor. */
export const SCHEDULER_ACTOR = 'system:scheduler';

/** Runs background work for a workspace as the scheduler, with a fresh correlation id. */
export function asScheduler<T>(workspaceId: string, work: () => Promise<T>): Promise<T> {
  return runWithContext({ actorId: SCHEDULER_ACTOR, workspaceId }, work);
}

/**
 * Runs a reaction to `event` as the scheduler: the commands it issues carry the event's
 * correlation id and name it as their cause, so the audit trail links effect to cause.
 */
export function reactingTo<T>(event: RecordedEvent, work: () => Promise<T>): Promise<T> {
  return runWithContext(
    { actorId: SCHEDULER_ACTOR, workspaceId: event.metadata.tenantId, correlationId: event.metadata.correlationId, causationId: event.id },
    work,
  );
}
