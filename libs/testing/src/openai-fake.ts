import { IncomingHttpHeaders, Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';

/** One scripted answer of the fake: a status, headers, a JSON body (or raw text), after a delay. */
export type FakeReply = { status?: number; headers?: Record<string, string>; body?: unknown; delayMs?: number };

/** A request the fake received, for assertions. */
export type FakeRequest = {
  /** performance.now() when it arrived. */
  at: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
  /** response_format.json_schema.name of a Chat Completions request. */
  schemaName: string | null;
  /** The messages' contents, in order. */
  messages: { role: string; content: string }[];
};

type Script = FakeReply | ((request: FakeRequest) => FakeReply);

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function messagesOf(body: Record<string, unknown>): { role: string; content: string }[] {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  return messages.filter(isRecord).map((m) => ({ role: String(m.role), content: typeof m.content === 'string' ? m.content : JSON.stringify(m.content) }));
}

function schemaNameOf(body: Record<string, unknown>): string | null {
  const format = body.response_format;
  if (!isRecord(format) || !isRecord(format.json_schema)) return null;
  return typeof format.json_schema.name === 'string' ? format.json_schema.name : null;
}

/**
 * A local HTTP fake of the OpenAI API (POST /v1/chat/completions) for the real `openai`
 * client, pointed at it with a base URL override. Replies are scripted in order; when the
 * script is empty, `fallback` answers. Every request is kept with its arrival time, so tests
 * can assert retries and the waits between them.
 */
export class OpenAiFake {
  readonly requests: FakeRequest[] = [];
  /** Answers requests once the script is empty (default: a 500 saying nothing was scripted). */
  fallback: (request: FakeRequest) => FakeReply = () => openAiError(500, 'the OpenAI fake has no reply scripted for this request');
  private readonly script: Script[] = [];
  private server: Server | null = null;
  private port = 0;

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        let body: Record<string, unknown> = {};
        try {
          const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
          if (isRecord(parsed)) body = parsed;
        } catch {
          body = {};
        }
        const request: FakeRequest = { at: performance.now(), method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body, schemaName: schemaNameOf(body), messages: messagesOf(body) };
        this.requests.push(request);
        const next = this.script.shift() ?? this.fallback;
        const reply = typeof next === 'function' ? next(request) : next;
        const send = () => {
          if (res.destroyed) return;
          const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
          res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
          res.end(text);
        };
        if (reply.delayMs) setTimeout(send, reply.delayMs).unref();
        else send();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  /** What to pass as the client's baseURL. */
  get baseURL(): string {
    if (!this.server) throw new Error('the OpenAI fake is not started');
    return `http://127.0.0.1:${this.port}/v1`;
  }

  /** Queues replies for the next requests, in order. */
  reply(...replies: Script[]): void {
    this.script.push(...replies);
  }

  /** Forgets received requests and any replies still queued. */
  reset(): void {
    this.requests.length = 0;
    this.script.length = 0;
  }

  /** Requests to the Chat Completions endpoint. */
  completions(): FakeRequest[] {
    return this.requests.filter((r) => r.path.endsWith('/chat/completions'));
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

let completionCounter = 0;

/**
 * A Chat Completions answer: `content` is the assistant's text (an object is sent as its JSON).
 * `refusal` answers with a refusal instead; `finishReason` fakes a cut-off or a content filter.
 */
export function chatCompletion(
  content: string | Record<string, unknown> | null,
  options: { promptTokens?: number; completionTokens?: number; model?: string; refusal?: string; finishReason?: 'stop' | 'length' | 'content_filter' } = {},
): FakeReply {
  const promptTokens = options.promptTokens ?? 120;
  const completionTokens = options.completionTokens ?? 80;
  completionCounter += 1;
  return {
    status: 200,
    body: {
      id: `chatcmpl-fake-${completionCounter}`,
      object: 'chat.completion',
      created: 1_767_225_600,
      model: options.model ?? 'gpt-4o-mini-2024-07-18',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: options.refusal ? null : typeof content === 'string' || content === null ? content : JSON.stringify(content), refusal: options.refusal ?? null },
          logprobs: null,
          finish_reason: options.finishReason ?? 'stop',
        },
      ],
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
    },
  };
}

/** An error as the OpenAI API sends it. */
export function openAiError(status: number, message: string, options: { code?: string; type?: string; headers?: Record<string, string>; delayMs?: number } = {}): FakeReply {
  return {
    status,
    headers: options.headers,
    delayMs: options.delayMs,
    body: { error: { message, type: options.type ?? (status === 429 ? 'rate_limit_exceeded' : 'server_error'), code: options.code ?? null, param: null } },
  };
}
