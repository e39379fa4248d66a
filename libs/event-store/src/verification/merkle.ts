import { createHash } from 'node:crypto';

/** One stream of a workspace as an anchor saw it: how many events, and the last one's hash and id. */
export type AnchorLeaf = { streamId: string; length: number; headHash: string; headEventId: string };

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** What a leaf contributes: its stream, length and head hash (the id is for reports only). */
export function leafHash(leaf: Pick<AnchorLeaf, 'streamId' | 'length' | 'headHash'>): string {
  return sha256(`${leaf.streamId}\n${leaf.length}\n${leaf.headHash}`);
}

/**
 * The Merkle root over the leaves, sorted by stream id (code-unit order): pairs are hashed as
 * sha256(left + right) level by level, an odd last node moves up unchanged. No leaves: the
 * hash of the empty string. Any change of a stream's length or head changes the root.
 */
export function merkleRoot(leaves: readonly Pick<AnchorLeaf, 'streamId' | 'length' | 'headHash'>[]): string {
  let level = [...leaves].sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0)).map(leafHash);
  if (!level.length) return sha256('');
  while (level.length > 1) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? sha256(`${level[i]}${level[i + 1]}`) : (level[i] as string));
    level = next;
  }
  return level[0] as string;
}
