import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EnrollmentUseCases } from '@app/application';
import { DomainError, leadDecider } from '@app/domain';
import { streams } from '@app/events';
import { KeyStore } from '@app/event-store';
import { AppLogger, CommandExecutor, KEY_STORE, LOGGER, PG_POOL } from '@app/platform';
import { Pool } from 'pg';
import { Actor } from '../../common/auth/actor';
import { requireOwnWorkspace } from '../../common/auth/workspace-scope';
import { EnrollmentsOfLead } from '../enrollments-of-lead';

export type Erasure = { leadId: string; erasedAt: string; alreadyErased: boolean; enrollmentsStopped: number; position: string | null };

export class EraseLeadCommand extends Command<Erasure> {
  constructor(
    readonly actor: Actor,
    readonly leadId: string,
  ) {
    super();
  }
}

/**
 * Crypto-shredding: the lead's data key is deleted (every sealed field of every event about
 * the lead now reads "[erased]", in every store and backup of the log, while the ciphertext and
 * so the hash chains stay as they were), LeadErased is appended, and its open enrollments
 * stop. Projections purge their plaintext copies on LeadErased; every process drops the key
 * from its cache when it sees the event (ErasureWatcher). Erasing again changes nothing.
 *
 * The key row is kept as a tombstone (so no new data is ever sealed for the lead) and the
 * table is vacuumed right after, so the dead row version holding the wrapped key is pruned
 * from the table's pages instead of lingering until autovacuum. (Copies in the WAL and in
 * backups age out with them; the key there is wrapped with the master key.)
 */
@CommandHandler(EraseLeadCommand)
export class EraseLeadHandler implements ICommandHandler<EraseLeadCommand> {
  constructor(
    private readonly commands: CommandExecutor,
    private readonly enrollments: EnrollmentUseCases,
    private readonly ofLead: EnrollmentsOfLead,
    @Inject(KEY_STORE) private readonly keys: KeyStore,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(LOGGER) private readonly logger: AppLogger,
  ) {}

  async execute({ actor, leadId }: EraseLeadCommand): Promise<Erasure> {
    const workspaceId = actor.workspaceId;
    const erasedAt = this.commands.now();
    const outcome = await this.commands.execute({
      name: 'EraseLead',
      streamId: streams.lead(leadId),
      decider: leadDecider,
      tenantId: workspaceId,
      actorId: actor.userId,
      command: async (state) => {
        requireOwnWorkspace(state, workspaceId, 'Lead', leadId);
        // The key goes first: from the moment LeadErased exists, nothing can decrypt the lead.
        await this.keys.erase(leadId);
        return { type: 'EraseLead' as const, now: erasedAt };
      },
    });
    void this.pool.query('vacuum personal_data_keys').catch((error: unknown) => this.logger.warn({ err: error }, 'could not vacuum personal_data_keys after an erasure; autovacuum will'));

    let position = outcome.appended?.position ?? null;
    let stopped = 0;
    for (const enrollment of await this.ofLead.all(workspaceId, leadId, position)) {
      if (enrollment.status !== 'waiting' && enrollment.status !== 'active') continue;
      try {
        const result = await this.enrollments.stop({ workspaceId, enrollmentId: enrollment.enrollmentId, reason: 'LEAD_ERASED', actorId: actor.userId });
        if (result.events) stopped++;
        position = result.position ?? position;
      } catch (error) {
        // Ended meanwhile (completed, stopped): nothing to stop.
        if (!(error instanceof DomainError)) throw error;
      }
    }
    return { leadId, erasedAt, alreadyErased: outcome.events.length === 0, enrollmentsStopped: stopped, position };
  }
}
