import { EventStoreAdapter, StoredEvent } from '../event-store.types';
import { verifyChain } from '../hash-chain';
import { AnchorLeaf, merkleRoot } from './merkle';

export type BreakReason = 'hash-mismatch' | 'prev-hash-mismatch' | 'revision-gap' | 'truncated' | 'rewritten' | 'anchor-altered';

/** Where the log stops being what it was: a stream, the revision and event concerned, and why. */
export type LogBreak = {
  streamId: string;
  /** The first revision that is wrong or missing. */
  revision: number;
  /** The event at that revision, or (for a truncation) the last event the anchor saw. */
  eventId: string | null;
  reason: BreakReason;
  detail: string;
};

/** The newest anchor of the workspace: its event (hash-chained on the audit stream) and its leaves. */
export type Anchor = {
  anchorId: string;
  eventId: string;
  streamId: string;
  revision: number;
  merkleRoot: string;
  anchoredAt: string;
  leaves: readonly AnchorLeaf[];
};

export type LogVerification = {
  ok: boolean;
  streams: number;
  events: number;
  /** The first break found (streams in id order), or null. */
  firstBreak: LogBreak | null;
  /** Every break found, up to a hundred. */
  breaks: LogBreak[];
  /** The anchor the streams were compared with, if any. */
  anchor: { anchorId: string; anchoredAt: string; merkleRoot: string; streams: number; rootMatches: boolean } | null;
};

const MAX_BREAKS = 100;

/**
 * Recomputes the hash chain of each stream from the stored bytes, and compares each with the
 * newest anchor: a stream shorter than when it was anchored lost its tail (which its own chain
 * cannot show), a different event at the anchored head means it was rewritten. The anchor's
 * leaves are first checked against the root its event carries. Streams are read a chunk at a
 * time (one round trip each where the store allows), so memory holds one chunk.
 */
export async function verifyEventLog(
  adapter: EventStoreAdapter,
  options: {
    streamIds: readonly string[];
    anchor?: Anchor | null;
    /** Also read every stream the anchor saw (default true); false: only `streamIds`. */
    anchoredStreams?: boolean;
    chunk?: number;
  },
): Promise<LogVerification> {
  const anchor = options.anchor ?? null;
  const breaks: LogBreak[] = [];
  const note = (found: LogBreak) => {
    if (breaks.length < MAX_BREAKS) breaks.push(found);
  };
  let rootMatches = true;
  if (anchor) {
    rootMatches = merkleRoot(anchor.leaves) === anchor.merkleRoot;
    if (!rootMatches) {
      note({
        streamId: anchor.streamId,
        revision: anchor.revision,
        eventId: anchor.eventId,
        reason: 'anchor-altered',
        detail: `the stored leaves of anchor ${anchor.anchorId} no longer give the Merkle root its event recorded: they were altered`,
      });
    }
  }
  const leaves = new Map((anchor?.leaves ?? []).map((leaf) => [leaf.streamId, leaf]));
  const streamIds = [...new Set([...options.streamIds, ...(options.anchoredStreams === false ? [] : leaves.keys())])].sort();
  const chunk = options.chunk ?? 100;
  let events = 0;
  for (let i = 0; i < streamIds.length; i += chunk) {
    const ids = streamIds.slice(i, i + chunk);
    const read = await adapter.readStreams(ids);
    for (const streamId of ids) {
      const stream = read.get(streamId) ?? [];
      events += stream.length;
      const chain = verifyChain(stream);
      if (!chain.ok) note(chain.firstBreak);
      const leaf = leaves.get(streamId);
      if (leaf) {
        const found = compareWithLeaf(stream, leaf);
        if (found) note(found);
      }
    }
  }
  return {
    ok: breaks.length === 0,
    streams: streamIds.length,
    events,
    firstBreak: breaks[0] ?? null,
    breaks,
    anchor: anchor ? { anchorId: anchor.anchorId, anchoredAt: anchor.anchoredAt, merkleRoot: anchor.merkleRoot, streams: anchor.leaves.length, rootMatches } : null,
  };
}

function compareWithLeaf(stream: readonly StoredEvent[], leaf: AnchorLeaf): LogBreak | null {
  if (stream.length < leaf.length) {
    return {
      streamId: leaf.streamId,
      revision: stream.length,
      eventId: leaf.headEventId,
      reason: 'truncated',
      detail: `the stream had ${leaf.length} events when anchored and has ${stream.length} now: revisions ${stream.length} to ${leaf.length - 1} were removed (the anchored head was event ${leaf.headEventId})`,
    };
  }
  const head = stream[leaf.length - 1];
  if (!head) return null;
  if (head.hash !== leaf.headHash || head.id.toLowerCase() !== leaf.headEventId.toLowerCase()) {
    return {
      streamId: leaf.streamId,
      revision: leaf.length - 1,
      eventId: head.id,
      reason: 'rewritten',
      detail: `the event at revision ${leaf.length - 1} is not the one anchored (event ${leaf.headEventId}): the stream was rewritten after the anchor`,
    };
  }
  return null;
}
