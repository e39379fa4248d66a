import { AuditEvent, LogReadChannels } from '@app/events';
import { Decider, assertNever } from '../../shared/decider';

/** The workspace's audit stream: anchors over its log, and who read the log. */
export type AuditLogState = { status: 'none' } | { status: 'active'; workspaceId: string; lastMerkleRoot: string | null; anchors: number; reads: number };

export type AuditLogCommand =
  | { type: 'RecordAnchor'; workspaceId: string; anchorId: string; merkleRoot: string; streams: number; events: number; now: string }
  | { type: 'RecordLogRead'; workspaceId: string; readerId: string; channel: (typeof LogReadChannels)[number]; filter: Readonly<Record<string, string>>; results: number; now: string };

export const initialAuditLogState = (): AuditLogState => ({ status: 'none' });

export function evolveAuditLog(state: AuditLogState, event: AuditEvent): AuditLogState {
  const base = state.status === 'active' ? state : { status: 'active' as const, workspaceId: event.data.workspaceId, lastMerkleRoot: null, anchors: 0, reads: 0 };
  switch (event.type) {
    case 'AuditAnchored':
      return { ...base, lastMerkleRoot: event.data.merkleRoot, anchors: base.anchors + 1 };
    case 'EventLogRead':
      return { ...base, reads: base.reads + 1 };
    default:
      return assertNever(event, 'audit event');
  }
}

export function decideAuditLog(command: AuditLogCommand, state: AuditLogState): AuditEvent[] {
  switch (command.type) {
    case 'RecordAnchor': {
      // Nothing changed since the last anchor: another identical one proves nothing new.
      if (state.status === 'active' && state.lastMerkleRoot === command.merkleRoot) return [];
      const { workspaceId, anchorId, merkleRoot, streams, events } = command;
      return [{ type: 'AuditAnchored', data: { workspaceId, anchorId, merkleRoot, streams, events, anchoredAt: command.now } }];
    }
    case 'RecordLogRead': {
      const { workspaceId, readerId, channel, filter, results } = command;
      return [{ type: 'EventLogRead', data: { workspaceId, readerId, channel, filter: { ...filter }, results, readAt: command.now } }];
    }
    default:
      return assertNever(command, 'audit command');
  }
}

export const auditLogDecider: Decider<AuditLogCommand, AuditEvent, AuditLogState> = { initialState: initialAuditLogState, evolve: evolveAuditLog, decide: decideAuditLog };
