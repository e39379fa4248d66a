import { DomainEvent } from '@app/events';
import { CommandOutcome, HandleCommandOptions } from '@app/event-store';

export type RunOptions<C, E extends DomainEvent, S> = Omit<HandleCommandOptions<C, E, S>, 'store' | 'metadata'> & {
  name: string;
  tenantId?: string;
  actorId?: string;
};

/** What use cases need to run decider commands: the platform's CommandExecutor fits it. */
export type CommandRunner = {
  execute<C, E extends DomainEvent, S>(options: RunOptions<C, E, S>): Promise<CommandOutcome<E, S>>;
  now(): string;
};
