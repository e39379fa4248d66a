/**
 * A PostgreSQL log position: the writing transaction's xid8 and the row's sequence number,
 * as "xid/position". Global order is by xid, then position.
 */
export type PgPosition = { xid: bigint; seq: bigint };

export const START: PgPosition = { xid: 0n, seq: 0n };

export function parsePosition(position: string): PgPosition {
  const match = /^(\d+)\/(\d+)$/.exec(position);
  if (!match) throw new Error(`"${position}" is not a PostgreSQL event store position`);
  return { xid: BigInt(match[1] as string), seq: BigInt(match[2] as string) };
}

export function formatPosition(xid: string | bigint, seq: string | bigint): string {
  return `${xid}/${seq}`;
}

export function comparePgPositions(a: string, b: string): number {
  const pa = parsePosition(a);
  const pb = parsePosition(b);
  if (pa.xid !== pb.xid) return pa.xid < pb.xid ? -1 : 1;
  if (pa.seq !== pb.seq) return pa.seq < pb.seq ? -1 : 1;
  return 0;
}

/** xid * 2^64 + sequence: orders exactly like comparePgPositions. */
export function pgOrderKey(position: string): bigint {
  const p = parsePosition(position);
  return (p.xid << 64n) + p.seq;
}
