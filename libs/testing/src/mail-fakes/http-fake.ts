import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';

/** One request as a fake received it. */
export type RecordedRequest = {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: Buffer;
  at: number;
};

export type FakeAnswer = { status: number; body?: unknown; headers?: Record<string, string> };

/** A failure a test asks the fake to answer instead of the real thing, once. */
export type ScriptedFailure = { method?: string; path: RegExp; answer: FakeAnswer };

export type HttpFake = {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** The next request matching `path` (and `method`) gets `answer` instead of being handled. */
  failNext(failure: ScriptedFailure): void;
  close(): Promise<void>;
};

const read = (request: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });

export function send(response: ServerResponse, answer: FakeAnswer): void {
  const headers = { ...(answer.headers ?? {}) };
  let payload: Buffer | string = '';
  if (Buffer.isBuffer(answer.body)) payload = answer.body;
  else if (typeof answer.body === 'string') payload = answer.body;
  else if (answer.body !== undefined) {
    payload = JSON.stringify(answer.body);
    headers['content-type'] ??= 'application/json';
  }
  response.writeHead(answer.status, headers);
  response.end(payload);
}

/**
 * A local HTTP server that records every request and answers through `handle` (or a scripted
 * failure). The real client libraries talk to it through their base URL overrides.
 */
export async function startHttpFake(handle: (request: RecordedRequest) => FakeAnswer | Promise<FakeAnswer>): Promise<HttpFake> {
  const requests: RecordedRequest[] = [];
  const failures: ScriptedFailure[] = [];
  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://fake');
      const recorded: RecordedRequest = { method: request.method ?? 'GET', path: decodeURIComponent(url.pathname), query: url.searchParams, headers: request.headers, body: await read(request), at: Date.now() };
      requests.push(recorded);
      const failure = failures.findIndex((f) => f.path.test(recorded.path) && (!f.method || f.method === recorded.method));
      if (failure >= 0) {
        const [scripted] = failures.splice(failure, 1);
        send(response, (scripted as ScriptedFailure).answer);
        return;
      }
      try {
        send(response, await handle(recorded));
      } catch (error) {
        send(response, { status: 500, body: { error: { message: error instanceof Error ? error.message : String(error) } } });
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext: (failure) => void failures.push(failure),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The bearer token of a request, if any. */
export function bearerOf(request: RecordedRequest): string | null {
  const header = request.headers.authorization;
  const value = Array.isArray(header) ? header[0] : header;
  return value ? (/^Bearer\s+(\S+)$/i.exec(value)?.[1] ?? null) : null;
}

/** A header of a raw RFC 5322 message (first occurrence, unfolded). */
export function rawHeader(raw: Buffer | string, name: string): string | null {
  const head = (typeof raw === 'string' ? raw : raw.toString('utf8')).split(/\r?\n\r?\n/)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  return new RegExp(`^${name}:[ \\t]*(.*)$`, 'mi').exec(unfolded)?.[1]?.trim() ?? null;
}
