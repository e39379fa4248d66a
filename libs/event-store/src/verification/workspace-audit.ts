import { AuditLogCommand } from '@app/domain';
import { streams } from '@app/events';
import { Pool } from 'pg';
import { EventStore } from '../event-store';
import { Anchor, LogVerification, verifyEventLog } from './log-verification';
import { AnchorLeaf, merkleRoot } from './merkle';

export type AnchorOutcome =
  | { kind: 'anchored'; anchorId: string; merkleRoot: string; streams: number; events: number }
  | { kind: 'unchanged'; merkleRoot: string; streams: number; events: number }
  /** A stream is shorter than, or differs from, what the previous anchor saw: never anchored over. */
  | { kind: 'refused'; streamId: string; detail: string };

/** Runs an audit-log command for the workspace (each app through its own command executor and clock). */
export type AuditCommandRunner = (command: (now: string) => AuditLogCommand) => Promise<{ appended: boolean }>;

type LeafRow = { stream_id: string; length: string; head_hash: string; head_event_id: string };

/**
 * The auditor's view of one workspace's log: which streams it has (from the event-log index,
 * a read model: `event_log_index`), Merkle anchors over every stream's length and head hash
 * (leaves in `audit_anchor_streams`, root in an AuditAnchored event on the workspace's audit
 * stream), and verification of the stored chains against the newest anchor.
 *
 * The audit stream's own trailing anchors are left out of the leaves: otherwise every anchor
 * would change the next root and nothing could ever be "unchanged". Its chain is verified like
 * every other; the auditors' reads on it are covered by the next anchor.
 */
export class WorkspaceAudit {
  constructor(
    private readonly store: EventStore,
    private readonly pool: Pool,
  ) {}

  /** Every stream of the workspace as the index shows it now: length, head hash and head id. */
  async currentLeaves(workspaceId: string): Promise<AnchorLeaf[]> {
    const { rows } = await this.pool.query<LeafRow>(
      `select distinct on (stream_id) stream_id, (stream_revision + 1)::text as length, hash as head_hash, event_id::text as head_event_id
       from event_log_index
       where workspace_id = $1 and not (stream_id = $2 and type = 'AuditAnchored')
       order by stream_id, stream_revision desc`,
      [workspaceId, streams.audit(workspaceId)],
    );
    return rows.map((r) => ({ streamId: r.stream_id, length: Number(r.length), headHash: r.head_hash, headEventId: r.head_event_id }));
  }

  /** Streams with at least one event of the workspace, by the index. */
  async streamIds(workspaceId: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ stream_id: string }>('select distinct stream_id from event_log_index where workspace_id = $1', [workspaceId]);
    return rows.map((r) => r.stream_id);
  }

  /** True when the index has this stream in this workspace (another workspace's streams are not found). */
  async hasStream(workspaceId: string, streamId: string): Promise<boolean> {
    const { rows } = await this.pool.query('select 1 from event_log_index where workspace_id = $1 and stream_id = $2 limit 1', [workspaceId, streamId]);
    return rows.length > 0;
  }

  /** The newest AuditAnchored event of the workspace, with the leaves stored for it. */
  async latestAnchor(workspaceId: string): Promise<Anchor | null> {
    const streamId = streams.audit(workspaceId);
    let from: number | undefined;
    for (;;) {
      const page = await this.store.readStream(streamId, { direction: 'backwards', fromRevision: from, limit: 200 });
      const found = page.find((e) => e.type === 'AuditAnchored');
      if (found && found.type === 'AuditAnchored') {
        const { rows } = await this.pool.query<LeafRow>(
          'select stream_id, length::text as length, head_hash, head_event_id::text as head_event_id from audit_anchor_streams where anchor_id = $1',
          [found.data.anchorId],
        );
        return {
          anchorId: found.data.anchorId,
          eventId: found.id,
          streamId,
          revision: found.revision,
          merkleRoot: found.data.merkleRoot,
          anchoredAt: found.data.anchoredAt,
          leaves: rows.map((r) => ({ streamId: r.stream_id, length: Number(r.length), headHash: r.head_hash, headEventId: r.head_event_id })),
        };
      }
      const last = page[page.length - 1];
      if (!last || last.revision === 0) return null;
      from = last.revision - 1;
    }
  }

  /**
   * Anchors the workspace's streams as they are now, unless nothing changed since the newest
   * anchor, or a stream is shorter than (or differs from) what that anchor saw: anchoring then
   * would bless the damage, so it is refused.
   */
  async anchor(workspaceId: string, anchorId: string, run: AuditCommandRunner): Promise<AnchorOutcome> {
    const leaves = await this.currentLeaves(workspaceId);
    const root = merkleRoot(leaves);
    const events = leaves.reduce((n, l) => n + l.length, 0);
    const previous = await this.latestAnchor(workspaceId);
    if (previous) {
      const now = new Map(leaves.map((l) => [l.streamId, l]));
      for (const old of previous.leaves) {
        const current = now.get(old.streamId);
        if (!current || current.length < old.length) {
          return { kind: 'refused', streamId: old.streamId, detail: `it had ${old.length} events at anchor ${previous.anchorId} and has ${current?.length ?? 0} now` };
        }
        if (current.length === old.length && current.headHash !== old.headHash) {
          return { kind: 'refused', streamId: old.streamId, detail: `its head differs from the one anchor ${previous.anchorId} saw` };
        }
      }
      if (previous.merkleRoot === root) return { kind: 'unchanged', merkleRoot: root, streams: leaves.length, events };
    }
    // Leaves first: an anchor event without them could not be checked; leaves without an event are ignored.
    await this.pool.query(
      `insert into audit_anchor_streams (anchor_id, workspace_id, stream_id, length, head_hash, head_event_id)
       select $1, $2, * from unnest($3::text[], $4::bigint[], $5::text[], $6::uuid[]) on conflict do nothing`,
      [anchorId, workspaceId, leaves.map((l) => l.streamId), leaves.map((l) => l.length), leaves.map((l) => l.headHash), leaves.map((l) => l.headEventId)],
    );
    const { appended } = await run((now) => ({ type: 'RecordAnchor', workspaceId, anchorId, merkleRoot: root, streams: leaves.length, events, now }));
    if (!appended) return { kind: 'unchanged', merkleRoot: root, streams: leaves.length, events };
    return { kind: 'anchored', anchorId, merkleRoot: root, streams: leaves.length, events };
  }

  /**
   * Recomputes the chains of the workspace's streams (or of one) from the stored bytes and
   * compares them with the newest anchor.
   */
  async verify(workspaceId: string, options: { streamId?: string } = {}): Promise<LogVerification> {
    const anchor = await this.latestAnchor(workspaceId);
    if (options.streamId) return verifyEventLog(this.store.adapter, { streamIds: [options.streamId], anchor, anchoredStreams: false });
    return verifyEventLog(this.store.adapter, { streamIds: await this.streamIds(workspaceId), anchor });
  }
}
