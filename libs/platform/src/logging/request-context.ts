import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** Who is acting and under which correlation id, for everything done on their behalf. */
export type RequestContext = {
  correlationId: string;
  /** The event that caused this work, when a reactor acts on one. */
  causationId: string | null;
  actorId: string | null;
  workspaceId: string | null;
  role: string | null;
};

const storage = new AsyncLocalStorage<RequestContext>();

export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}

/** Runs `work` with a context; fields not given are inherited from the current one or fresh. */
export function runWithContext<T>(context: Partial<RequestContext>, work: () => T): T {
  const parent = storage.getStore();
  return storage.run(
    {
      correlationId: context.correlationId ?? parent?.correlationId ?? randomUUID(),
      causationId: context.causationId ?? parent?.causationId ?? null,
      actorId: context.actorId ?? parent?.actorId ?? null,
      workspaceId: context.workspaceId ?? parent?.workspaceId ?? null,
      role: context.role ?? parent?.role ?? null,
    },
    work,
  );
}

/** Fills in who is acting, for the rest of the current request (set by the auth guard). */
export function setActor(actor: { actorId: string; workspaceId: string; role: string }): void {
  const store = storage.getStore();
  if (!store) return;
  store.actorId = actor.actorId;
  store.workspaceId = actor.workspaceId;
  store.role = actor.role;
}
