import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@app/domain';
import { DomainEvent, WriteMetadata } from '@app/events';
import { CommandOutcome, EventStore, HandleCommandOptions, handleCommand } from '@app/event-store';
import { currentContext } from '../logging/request-context';
import { MetricsService } from '../metrics/metrics.service';
import { CLOCK, Clock, EVENT_STORE } from '../platform.tokens';

export type ExecuteOptions<C, E extends DomainEvent, S> = Omit<HandleCommandOptions<C, E, S>, 'store' | 'metadata'> & {
  /** For metrics and logs: the command's name. */
  name: string;
  /** Defaults to the caller's workspace. */
  tenantId?: string;
  /** Defaults to the caller; background work names itself (e.g. "system:scheduler"). */
  actorId?: string;
};

/**
 * Runs a decider command for the current request: load, fold, decide, append with retry,
 * with the request's workspace, actor and correlation written into every event, the time
 * from the clock, and metrics for what was handled or rejected.
 */
@Injectable()
export class CommandExecutor {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly metrics: MetricsService,
  ) {}

  now(): string {
    return this.clock.now().toISOString();
  }

  metadata(overrides: { tenantId?: string; actorId?: string } = {}): WriteMetadata {
    const context = currentContext();
    const tenantId = overrides.tenantId ?? context?.workspaceId;
    if (!tenantId) throw new Error('a command needs a workspace: none in the request context');
    return {
      tenantId,
      actorId: overrides.actorId ?? context?.actorId ?? 'system',
      correlationId: context?.correlationId ?? 'none',
      causationId: context?.causationId ?? null,
      occurredAt: this.now(),
    };
  }

  async execute<C, E extends DomainEvent, S>(options: ExecuteOptions<C, E, S>): Promise<CommandOutcome<E, S>> {
    const { name, tenantId, actorId, ...rest } = options;
    try {
      const outcome = await handleCommand({ ...rest, store: this.store, metadata: this.metadata({ tenantId, actorId }) });
      this.metrics.commandsHandled.inc({ command: name });
      for (const event of outcome.events) this.metrics.eventsAppended.inc({ type: event.type });
      return outcome;
    } catch (error) {
      this.metrics.commandsRejected.inc({ command: name, code: error instanceof DomainError ? error.code : error instanceof Error ? error.name : 'unknown' });
      throw error;
    }
  }
}
