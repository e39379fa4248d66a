/**
 * An EventStoreDB `$all` position, written the way the server's own tools show it:
 * "C:<commit>/P:<prepare>". The prefix keeps it from being mistaken for a PostgreSQL position
 * (a projection checkpoint from the other store must fail loudly, not resume somewhere).
 */
export type EsdbPosition = { commit: bigint; prepare: bigint };

const PATTERN = /^C:(\d+)\/P:(\d+)$/;

export function formatEsdbPosition(position: EsdbPosition): string {
  return `C:${position.commit}/P:${position.prepare}`;
}

export function parseEsdbPosition(position: string): EsdbPosition {
  const match = PATTERN.exec(position);
  if (!match) throw new Error(`"${position}" is not an EventStoreDB position (C:<commit>/P:<prepare>)`);
  return { commit: BigInt(match[1] as string), prepare: BigInt(match[2] as string) };
}

export function compareEsdbPositions(a: EsdbPosition, b: EsdbPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/** commit * 2^64 + prepare: both are unsigned 64-bit, so this orders exactly like the pair. */
export function esdbOrderKey(position: string): bigint {
  const p = parseEsdbPosition(position);
  return (p.commit << 64n) + p.prepare;
}
