/**
 * Just enough of RFC 5322 / MIME to assert on the messages we build: unfolded headers,
 * RFC 2047 encoded words, multipart bodies, quoted-printable and base64 parts. Not a general
 * mail parser (no mailparser dependency for tests).
 */
export type ParsedPart = { headers: ParsedHeaders; contentType: string; body: string; parts: ParsedPart[] };
export type ParsedHeaders = {
  /** Every value of a header (case-insensitive name), unfolded and decoded. */
  all(name: string): string[];
  /** The first value, or undefined. */
  get(name: string): string | undefined;
  /** Header names in order, as written. */
  names: string[];
};

function decodeWords(value: string): string {
  // Adjacent encoded words are joined without the whitespace between them (RFC 2047 6.2).
  return value
    .replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_all, charset: string, encoding: string, text: string) => {
      const bytes = encoding.toUpperCase() === 'B' ? Buffer.from(text, 'base64') : qpBytes(text.replace(/_/g, ' '));
      return bytes.toString(/utf-?8/i.test(charset) ? 'utf8' : 'latin1');
    });
}

function qpBytes(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(ch, 'utf8'));
  }
  return Buffer.from(bytes);
}

/** Decodes a quoted-printable body (soft line breaks removed). */
export function decodeQuotedPrintable(body: string): string {
  return qpBytes(body.replace(/=\r?\n/g, '')).toString('utf8');
}

function parseHeaders(block: string): ParsedHeaders {
  const lines = block.split(/\r?\n/);
  const entries: [string, string][] = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line) && entries.length) {
      const last = entries[entries.length - 1] as [string, string];
      last[1] = `${last[1]} ${line.trim()}`.trim();
    } else if (line.includes(':')) {
      const colon = line.indexOf(':');
      entries.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
    }
  }
  const decoded = entries.map(([name, value]) => [name, decodeWords(value)] as const);
  return {
    names: decoded.map(([name]) => name),
    all: (name) => decoded.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v),
    get: (name) => decoded.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1],
  };
}

/** Parses a raw message (or part) into headers, a decoded body and sub-parts. */
export function parseMime(raw: string | Buffer): ParsedPart {
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  const split = /\r?\n\r?\n/.exec(text);
  const headerBlock = split ? text.slice(0, split.index) : text;
  const rawBody = split ? text.slice(split.index + split[0].length) : '';
  const headers = parseHeaders(headerBlock);
  const contentTypeHeader = headers.get('Content-Type') ?? 'text/plain';
  const contentType = (contentTypeHeader.split(';')[0] ?? '').trim().toLowerCase();
  if (contentType.startsWith('multipart/')) {
    const boundary = /boundary="?([^";]+)"?/i.exec(contentTypeHeader)?.[1];
    if (!boundary) throw new Error('multipart without a boundary');
    const sections = rawBody.split(new RegExp(`\\r?\\n?--${boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:--)?\\s*?\\r?\\n`));
    const parts = sections.slice(1).filter((s) => s.trim() !== '' && !s.startsWith('--')).map((s) => parseMime(s));
    return { headers, contentType, body: '', parts };
  }
  const encoding = (headers.get('Content-Transfer-Encoding') ?? '7bit').toLowerCase();
  const body = encoding === 'quoted-printable' ? decodeQuotedPrintable(rawBody) : encoding === 'base64' ? Buffer.from(rawBody.replace(/\s+/g, ''), 'base64').toString('utf8') : rawBody;
  return { headers, contentType, body: body.replace(/\r\n/g, '\n').replace(/\n$/, ''), parts: [] };
}

/** The first leaf part of a content type (e.g. text/html), searching nested multiparts. */
export function findPart(message: ParsedPart, contentType: string): ParsedPart | undefined {
  if (message.contentType === contentType && message.parts.length === 0) return message;
  for (const part of message.parts) {
    const found = findPart(part, contentType);
    if (found) return found;
  }
  return undefined;
}
