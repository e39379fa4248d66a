import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { GENESIS_HASH } from '@app/events';
import { StoredEvent } from './event-store.types';

/** RFC 8785 canonical JSON: what the chain hashes, so any adapter reproduces the same bytes. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('value cannot be serialised as JSON');
  return text;
}

type Hashable = Pick<StoredEvent, 'streamId' | 'revision' | 'id' | 'type' | 'version' | 'data' | 'metadata'>;

/**
 * SHA-256 over the previous hash and the stored bytes of the event. The PostgreSQL adapter
 * computes the same in SQL (see es_append); both must stay byte-for-byte equal.
 */
export function chainHash(prevHash: string, event: Hashable): string {
  return createHash('sha256')
    .update([prevHash, event.streamId, String(event.revision), event.id.toLowerCase(), event.type, String(event.version), event.data, event.metadata].join('\n'), 'utf8')
    .digest('hex');
}

export type ChainBreak = {
  streamId: string;
  revision: number;
  eventId: string;
  reason: 'hash-mismatch' | 'prev-hash-mismatch' | 'revision-gap';
  detail: string;
};

export type ChainVerification = { ok: true; events: number; headHash: string } | { ok: false; events: number; firstBreak: ChainBreak };

/**
 * Verifies one stream's chain, in revision order. The stored text is re-canonicalised first,
 * so a change of meaning anywhere in data or metadata breaks the chain, while the bytes any
 * adapter hands back for the same content verify the same.
 */
export function verifyChain(events: Iterable<StoredEvent>): ChainVerification {
  let prev = GENESIS_HASH;
  let expectedRevision = 0;
  let count = 0;
  for (const event of events) {
    const at = { streamId: event.streamId, revision: event.revision, eventId: event.id };
    if (event.revision !== expectedRevision) {
      return { ok: false, events: count, firstBreak: { ...at, reason: 'revision-gap', detail: `expected revision ${expectedRevision}, found ${event.revision}` } };
    }
    if (event.prevHash !== prev) {
      return { ok: false, events: count, firstBreak: { ...at, reason: 'prev-hash-mismatch', detail: 'the link to the previous event does not match' } };
    }
    let recomputed: string;
    try {
      recomputed = chainHash(prev, { ...event, data: canonicalJson(JSON.parse(event.data)), metadata: canonicalJson(JSON.parse(event.metadata)) });
    } catch {
      recomputed = '';
    }
    if (recomputed !== event.hash) {
      return { ok: false, events: count, firstBreak: { ...at, reason: 'hash-mismatch', detail: 'the stored event does not match its hash: it was altered' } };
    }
    prev = event.hash;
    expectedRevision++;
    count++;
  }
  return { ok: true, events: count, headHash: prev };
}
