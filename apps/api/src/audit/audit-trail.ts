import { Inject, Injectable } from '@nestjs/common';
import { auditLogDecider } from '@app/domain';
import { LogReadChannels, streams } from '@app/events';
import { EventStore, WorkspaceAudit } from '@app/event-store';
import { CommandExecutor, EVENT_STORE, PG_POOL } from '@app/platform';
import { Pool } from 'pg';
import { Actor } from '../common/auth/actor';

/** Who may read the workspace's event log (query, export, verification). */
export const LOG_READERS = ['OWNER', 'ADMIN', 'AUDITOR'] as const;

/** The workspace audit operations (index, anchors, verification) on this process's store and pool. */
@Injectable()
export class WorkspaceAuditService extends WorkspaceAudit {
  constructor(@Inject(EVENT_STORE) store: EventStore, @Inject(PG_POOL) pool: Pool) {
    super(store, pool);
  }
}

/**
 * Reads of the log are themselves in the log: each query, export and verification appends an
 * EventLogRead (who, which channel, with which filter, how many results) to the workspace's
 * audit stream, written by the reader.
 */
@Injectable()
export class AuditTrail {
  constructor(private readonly commands: CommandExecutor) {}

  async recordRead(actor: Actor, channel: (typeof LogReadChannels)[number], filter: Record<string, string | null | undefined>, results: number): Promise<void> {
    const given = Object.fromEntries(Object.entries(filter).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== ''));
    await this.commands.execute({
      name: 'RecordLogRead',
      streamId: streams.audit(actor.workspaceId),
      decider: auditLogDecider,
      tenantId: actor.workspaceId,
      actorId: actor.userId,
      command: { type: 'RecordLogRead', workspaceId: actor.workspaceId, readerId: actor.userId, channel, filter: given, results, now: this.commands.now() },
    });
  }
}
