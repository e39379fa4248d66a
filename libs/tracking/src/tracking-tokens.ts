import { createHmac, timingSafeEqual } from 'node:crypto';

/** o: open pixel, c: click on link n, u: unsubscribe. */
export type TrackingToken = { kind: 'o'; emailId: string } | { kind: 'c'; emailId: string; linkIndex: number } | { kind: 'u'; emailId: string };

const MAC_BYTES = 16;
const KIND = { o: 1, c: 2, u: 3 } as const;
const KIND_BY_BYTE = new Map<number, TrackingToken['kind']>([
  [1, 'o'],
  [2, 'c'],
  [3, 'u'],
]);

function uuidBytes(id: string): Buffer {
  const hex = id.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`"${id}" is not a UUID`);
  return Buffer.from(hex, 'hex');
}

function uuidFrom(bytes: Buffer): string {
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function mac(secret: string, body: Buffer): Buffer {
  return createHmac('sha256', secret).update(body).digest().subarray(0, MAC_BYTES);
}

/**
 * A compact, URL-safe, HMAC-signed token: kind, email id, link index, and a 128-bit MAC.
 * Anything forged or altered fails verification.
 */
export function signTrackingToken(secret: string, token: TrackingToken): string {
  const body = Buffer.alloc(1 + 16 + 2);
  body[0] = KIND[token.kind];
  uuidBytes(token.emailId).copy(body, 1);
  body.writeUInt16BE(token.kind === 'c' ? token.linkIndex : 0, 17);
  return Buffer.concat([body, mac(secret, body)]).toString('base64url');
}

/** The token's content, or null when it is malformed, forged or altered. */
export function verifyTrackingToken(secret: string, token: string): TrackingToken | null {
  if (!/^[A-Za-z0-9_-]{40,60}$/.test(token)) return null;
  const raw = Buffer.from(token, 'base64url');
  if (raw.length !== 19 + MAC_BYTES) return null;
  const body = raw.subarray(0, 19);
  if (!timingSafeEqual(mac(secret, body), raw.subarray(19))) return null;
  const kind = KIND_BY_BYTE.get(body[0] as number);
  const emailId = uuidFrom(body.subarray(1, 17));
  if (kind === 'o' || kind === 'u') return { kind, emailId };
  if (kind === 'c') return { kind, emailId, linkIndex: body.readUInt16BE(17) };
  return null;
}
