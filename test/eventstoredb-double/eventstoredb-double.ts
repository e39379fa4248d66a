import * as grpc from '@grpc/grpc-js';
import { ServerFeaturesService } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import { SupportedMethod, SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb';
import { AllStreamPosition, Empty, StreamIdentifier, UUID, WrongExpectedVersion as SharedWrongExpectedVersion } from '@eventstore/db-client/generated/shared_pb';
import { Status } from '@eventstore/db-client/generated/status_pb';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import { AppendReq, AppendResp, BatchAppendReq, BatchAppendResp, ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { Any } from 'google-protobuf/google/protobuf/any_pb';
import { Empty as GoogleEmpty } from 'google-protobuf/google/protobuf/empty_pb';
import { AppendOutcome, DoubleLog, ExpectedState, LogFilter, LogPosition, LoggedEvent, ProposedEvent, matchesFilter } from './double-log';

/**
 * A stand-in for an EventStoreDB node, speaking the real gRPC protocol on the service
 * definitions the client package ships, so `@eventstore/db-client` runs unchanged against it.
 * It is NOT the server: one node, in memory, insecure, no auth, no projections, no scavenging,
 * and its positions only look like the real ones. It implements what our adapter uses: the
 * Streams service (Append, BatchAppend, Read of a stream and of `$all` both ways, catch-up
 * subscriptions to `$all` with server-side filters and checkpoints) and ServerFeatures; plus
 * fault injection for tests.
 */

export type EventStoreDbDoubleOptions = {
  /** Fixed port; default: a free one picked at the first start and kept across restarts. */
  port?: number;
  /** Advertise BatchAppend (servers since 21.10 do, and the client then uses it). Default true. */
  batchAppend?: boolean;
  /** Events scanned between checkpoints when the client gives no search window (server default 32). */
  defaultSearchWindow?: number;
};

export type AppendFault = {
  /** Fail this many appends. */
  count?: number;
  /** Fail every append during this many milliseconds. */
  forMs?: number;
  /** Write the events first, then fail: the client cannot know the append happened. */
  afterWrite?: boolean;
};

type SubscriptionState = { call: grpc.ServerWritableStream<ReadReq, ReadResp>; drop: (code: grpc.status, details: string) => void };

const STREAMS = 'event_store.client.streams.Streams';
const unavailable = (details: string) => Object.assign(new Error(details), { code: grpc.status.UNAVAILABLE, details });

export class EventStoreDbDouble {
  readonly log = new DoubleLog();
  private server: grpc.Server | null = null;
  private boundPort: number;
  private readonly subscriptions = new Set<SubscriptionState>();
  private fault: (AppendFault & { until?: number }) | null = null;
  /** What happened, for tests that check a fault really struck. */
  readonly stats = { appends: 0, failedAppends: 0, subscriptionsOpened: 0, subscriptionsDropped: 0, subscriptionEventsSent: 0 };

  private constructor(private readonly options: EventStoreDbDoubleOptions) {
    this.boundPort = options.port ?? 0;
  }

  static async start(options: EventStoreDbDoubleOptions = {}): Promise<EventStoreDbDouble> {
    const double = new EventStoreDbDouble(options);
    await double.start();
    return double;
  }

  get port(): number {
    return this.boundPort;
  }

  /** A connection string for `EventStoreDBClient.connectionString`. */
  get url(): string {
    return `esdb://127.0.0.1:${this.boundPort}?tls=false`;
  }

  get activeSubscriptions(): number {
    return this.subscriptions.size;
  }

  /** Starts serving (again) on the same port, with the data it had. */
  async start(): Promise<void> {
    if (this.server) return;
    const server = new grpc.Server();
    server.addService(StreamsService, {
      read: (call: grpc.ServerWritableStream<ReadReq, ReadResp>) => void this.read(call),
      append: (call: grpc.ServerReadableStream<AppendReq, AppendResp>, callback: grpc.sendUnaryData<AppendResp>) => this.append(call, callback),
      batchAppend: (call: grpc.ServerDuplexStream<BatchAppendReq, BatchAppendResp>) => this.batchAppend(call),
      delete: (_call: unknown, callback: grpc.sendUnaryData<never>) => callback({ code: grpc.status.UNIMPLEMENTED, details: 'not in the test double' }),
      tombstone: (_call: unknown, callback: grpc.sendUnaryData<never>) => callback({ code: grpc.status.UNIMPLEMENTED, details: 'not in the test double' }),
    });
    server.addService(ServerFeaturesService, {
      getSupportedMethods: (_call: unknown, callback: grpc.sendUnaryData<SupportedMethods>) => callback(null, this.supportedMethods()),
    });
    this.boundPort = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`127.0.0.1:${this.boundPort}`, grpc.ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port)));
    });
    this.server = server;
  }

  /** Stops at once, like a crashed node: open calls fail, data is kept for `start`. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    for (const subscription of [...this.subscriptions]) subscription.drop(grpc.status.UNAVAILABLE, 'server stopped');
    server.forceShutdown();
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Ends every active subscription with an error, as a node does when it drops a subscriber. */
  dropSubscriptions(code: grpc.status = grpc.status.UNAVAILABLE): number {
    const dropped = [...this.subscriptions];
    for (const subscription of dropped) subscription.drop(code, 'subscription dropped by the test double');
    return dropped.length;
  }

  /** Answers the next appends with UNAVAILABLE, for `count` calls or `forMs` milliseconds. */
  failAppends(fault: AppendFault): void {
    this.fault = { ...fault, until: fault.forMs === undefined ? undefined : Date.now() + fault.forMs };
  }

  private takeFault(): AppendFault | null {
    const fault = this.fault;
    if (!fault) return null;
    if (fault.until !== undefined && Date.now() > fault.until) {
      this.fault = null;
      return null;
    }
    if (fault.count !== undefined) {
      if (fault.count <= 0) {
        this.fault = null;
        return null;
      }
      fault.count--;
    }
    return fault;
  }

  private supportedMethods(): SupportedMethods {
    const method = (service: string, name: string) => new SupportedMethod().setServiceName(service).setMethodName(name);
    const methods = [method(STREAMS, 'Read'), method(STREAMS, 'Append'), method('event_store.client.server_features.ServerFeatures', 'GetSupportedMethods')];
    if (this.options.batchAppend !== false) methods.push(method(STREAMS, 'BatchAppend'));
    return new SupportedMethods().setEventStoreServerVersion('24.10.0-test-double').setMethodsList(methods);
  }

  /** Runs one append through the fault plan: the outcome, or the error to answer with. */
  private appendWithFaults(streamId: string, expected: ExpectedState, events: ProposedEvent[]): AppendOutcome | Error {
    this.stats.appends++;
    const fault = this.takeFault();
    if (fault && !fault.afterWrite) {
      this.stats.failedAppends++;
      return unavailable('append refused: the test double is unavailable');
    }
    const outcome = this.log.append(streamId, expected, events);
    if (fault) {
      this.stats.failedAppends++;
      return unavailable('append written, then the connection failed (test double)');
    }
    return outcome;
  }

  // ---- Append (client streaming: options, then one message per event) ----

  private append(call: grpc.ServerReadableStream<AppendReq, AppendResp>, callback: grpc.sendUnaryData<AppendResp>): void {
    let options: AppendReq.Options | undefined;
    const events: ProposedEvent[] = [];
    call.on('data', (request: AppendReq) => {
      if (request.hasOptions()) options = request.getOptions();
      const message = request.getProposedMessage();
      if (message) events.push(proposedEvent(message));
    });
    call.on('error', () => undefined);
    call.on('end', () => {
      if (!options) return callback({ code: grpc.status.INVALID_ARGUMENT, details: 'append without options' });
      const streamId = streamName(options.getStreamIdentifier());
      const expected = appendExpected(options);
      const outcome = this.appendWithFaults(streamId, expected, events);
      if (outcome instanceof Error) return callback(outcome);
      const response = new AppendResp();
      if (outcome.ok) {
        const success = new AppendResp.Success().setCurrentRevision(outcome.currentRevision.toString());
        success.setPosition(new AppendResp.Position().setCommitPosition(outcome.position.commit.toString()).setPreparePosition(outcome.position.prepare.toString()));
        response.setSuccess(success);
      } else {
        const wrong = new AppendResp.WrongExpectedVersion();
        if (outcome.current === null) wrong.setCurrentNoStream(new Empty());
        else wrong.setCurrentRevision(outcome.current.toString());
        switch (expected.kind) {
          case 'revision':
            wrong.setExpectedRevision(expected.revision.toString());
            break;
          case 'any':
            wrong.setExpectedAny(new Empty());
            break;
          case 'no_stream':
            wrong.setExpectedNoStream(new Empty());
            break;
          case 'stream_exists':
            wrong.setExpectedStreamExists(new Empty());
            break;
        }
        response.setWrongExpectedVersion(wrong);
      }
      callback(null, response);
    });
  }

  // ---- BatchAppend (bidirectional: chunks per correlation id, one answer when final) ----

  private batchAppend(call: grpc.ServerDuplexStream<BatchAppendReq, BatchAppendResp>): void {
    const pending = new Map<string, { options: BatchAppendReq.Options; events: ProposedEvent[] }>();
    call.on('error', () => undefined);
    call.on('end', () => call.end());
    call.on('data', (request: BatchAppendReq) => {
      const correlation = request.getCorrelationId();
      const key = correlation?.getString() ?? '';
      const options = request.getOptions();
      const entry = pending.get(key) ?? (options ? { options, events: [] } : undefined);
      if (!entry || !correlation) return call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: 'batch append chunk without options' });
      pending.set(key, entry);
      entry.events.push(...request.getProposedMessagesList().map(proposedEvent));
      if (!request.getIsFinal()) return;
      pending.delete(key);

      const identifier = entry.options.getStreamIdentifier();
      const expected = batchExpected(entry.options);
      const outcome = this.appendWithFaults(streamName(identifier), expected, entry.events);
      // The client shares one BatchAppend call for all appends: a failure ends all of it.
      if (outcome instanceof Error) return call.emit('error', outcome);
      const response = new BatchAppendResp().setCorrelationId(correlation).setStreamIdentifier(identifier);
      switch (expected.kind) {
        case 'revision':
          response.setStreamPosition(expected.revision.toString());
          break;
        case 'any':
          response.setAny(new GoogleEmpty());
          break;
        case 'no_stream':
          response.setNoStream(new GoogleEmpty());
          break;
        case 'stream_exists':
          response.setStreamExists(new GoogleEmpty());
          break;
      }
      if (outcome.ok) {
        const position = new AllStreamPosition().setCommitPosition(outcome.position.commit.toString()).setPreparePosition(outcome.position.prepare.toString());
        response.setSuccess(new BatchAppendResp.Success().setCurrentRevision(outcome.currentRevision.toString()).setPosition(position));
      } else {
        const wrong = new SharedWrongExpectedVersion();
        if (outcome.current === null) wrong.setCurrentNoStream(new GoogleEmpty());
        else wrong.setCurrentStreamRevision(outcome.current.toString());
        switch (expected.kind) {
          case 'revision':
            wrong.setExpectedStreamPosition(expected.revision.toString());
            break;
          case 'any':
            wrong.setExpectedAny(new GoogleEmpty());
            break;
          case 'no_stream':
            wrong.setExpectedNoStream(new GoogleEmpty());
            break;
          case 'stream_exists':
            wrong.setExpectedStreamExists(new GoogleEmpty());
            break;
        }
        const details = new Any();
        details.pack(wrong.serializeBinary(), 'event_store.client.WrongExpectedVersion');
        // 9 is FAILED_PRECONDITION in google.rpc.Code.
        response.setError(new Status().setCode(9).setMessage('WrongExpectedVersion').setDetails(details));
      }
      call.write(response);
    });
  }

  // ---- Read: a stream, `$all`, or a subscription to `$all` ----

  private async read(call: grpc.ServerWritableStream<ReadReq, ReadResp>): Promise<void> {
    call.on('error', () => undefined);
    const options = call.request.getOptions();
    if (!options) return void call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: 'read without options' });
    try {
      if (options.hasSubscription()) {
        if (!options.hasAll()) return void call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: 'the test double subscribes to $all only' });
        return await this.subscribe(call, options);
      }
      const events = options.hasStream() ? this.readStreamEvents(call, options) : this.readAllEvents(options);
      if (!events) return;
      for (const event of events) if (!(await send(call, eventResponse(event)))) return;
      call.end();
    } catch (error) {
      call.emit('error', { code: grpc.status.INTERNAL, details: error instanceof Error ? error.message : String(error) });
    }
  }

  private readStreamEvents(call: grpc.ServerWritableStream<ReadReq, ReadResp>, options: ReadReq.Options): LoggedEvent[] | null {
    const streamOptions = options.getStream() as ReadReq.Options.StreamOptions;
    const identifier = streamOptions.getStreamIdentifier();
    const stream = this.log.stream(streamName(identifier));
    if (!stream) {
      call.write(new ReadResp().setStreamNotFound(new ReadResp.StreamNotFound().setStreamIdentifier(identifier)));
      call.end();
      return null;
    }
    const count = Number(BigInt(options.getCount() || '0'));
    const backwards = options.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS;
    const last = stream.length - 1;
    if (backwards) {
      const from = streamOptions.hasEnd() ? last : streamOptions.hasStart() ? 0 : Math.min(Number(streamOptions.getRevision()), last);
      return stream.slice(Math.max(0, from - count + 1), from + 1).reverse();
    }
    const from = streamOptions.hasEnd() ? stream.length : streamOptions.hasStart() ? 0 : Number(streamOptions.getRevision());
    return stream.slice(from, from + count);
  }

  /** Forwards from a position includes the event there; backwards excludes it, as the server does. */
  private readAllEvents(options: ReadReq.Options): LoggedEvent[] {
    const all = options.getAll() as ReadReq.Options.AllOptions;
    const count = Number(BigInt(options.getCount() || '0'));
    const filter = options.hasFilter() ? logFilter(options.getFilter() as ReadReq.Options.FilterOptions) : null;
    const backwards = options.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS;
    const events = this.log.all;
    const out: LoggedEvent[] = [];
    const position = all.getPosition();
    if (backwards) {
      let i = all.hasStart() ? -1 : position ? this.log.indexAtOrAfter(toPosition(position)) - 1 : events.length - 1;
      for (; i >= 0 && out.length < count; i--) if (!filter || matchesFilter(filter, events[i] as LoggedEvent)) out.push(events[i] as LoggedEvent);
      return out;
    }
    let i = all.hasEnd() ? events.length : position ? this.log.indexAtOrAfter(toPosition(position)) : 0;
    for (; i < events.length && out.length < count; i++) if (!filter || matchesFilter(filter, events[i] as LoggedEvent)) out.push(events[i] as LoggedEvent);
    return out;
  }

  /**
   * Catch-up, then live, by following the log with a cursor: an event is sent once, in log
   * order, whatever the timing of appends. Writes respect the client's flow control, so a slow
   * reader slows the subscription instead of growing a buffer here. With a filter, a checkpoint
   * goes out every `window * multiplier` events read, matching or not.
   */
  private async subscribe(call: grpc.ServerWritableStream<ReadReq, ReadResp>, options: ReadReq.Options): Promise<void> {
    const all = options.getAll() as ReadReq.Options.AllOptions;
    const position = all.getPosition();
    let cursor = all.hasEnd() ? this.log.all.length : position ? this.log.indexAfter(toPosition(position)) : 0;
    const filterOptions = options.hasFilter() ? (options.getFilter() as ReadReq.Options.FilterOptions) : null;
    const filter = filterOptions ? logFilter(filterOptions) : null;
    const window = filterOptions?.hasMax() ? filterOptions.getMax() : this.options.defaultSearchWindow ?? 32;
    const checkpointEvery = Math.max(1, window * Math.max(1, filterOptions?.getCheckpointintervalmultiplier() ?? 1));

    let closed = false;
    let wake: (() => void) | null = null;
    const state: SubscriptionState = {
      call,
      drop: (code, details) => {
        if (closed) return;
        closed = true;
        this.stats.subscriptionsDropped++;
        call.emit('error', { code, details });
        wake?.();
      },
    };
    const stopListening = this.log.onWrite(() => wake?.());
    const onGone = () => {
      closed = true;
      wake?.();
    };
    call.on('cancelled', onGone);
    call.on('close', onGone);
    this.subscriptions.add(state);
    this.stats.subscriptionsOpened++;
    try {
      const id = `double-${this.stats.subscriptionsOpened}`;
      if (!(await send(call, new ReadResp().setConfirmation(new ReadResp.SubscriptionConfirmation().setSubscriptionId(id))))) return;
      let sinceCheckpoint = 0;
      let caughtUp = false;
      while (!closed) {
        while (!closed && cursor < this.log.all.length) {
          const event = this.log.all[cursor++] as LoggedEvent;
          if (!filter || matchesFilter(filter, event)) {
            if (!(await send(call, eventResponse(event)))) return;
            this.stats.subscriptionEventsSent++;
          }
          if (filter && ++sinceCheckpoint >= checkpointEvery) {
            sinceCheckpoint = 0;
            const checkpoint = new ReadResp.Checkpoint().setCommitPosition(event.commit.toString()).setPreparePosition(event.prepare.toString());
            if (!(await send(call, new ReadResp().setCheckpoint(checkpoint)))) return;
          }
        }
        if (closed) return;
        if (!caughtUp) {
          caughtUp = true;
          if (!(await send(call, new ReadResp().setCaughtUp(new ReadResp.CaughtUp())))) return;
        }
        if (cursor >= this.log.all.length) await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
      }
    } finally {
      stopListening();
      this.subscriptions.delete(state);
    }
  }
}

/** Writes with flow control; false when the call is gone. */
async function send<T>(call: grpc.ServerWritableStream<ReadReq, T>, message: T): Promise<boolean> {
  if (call.cancelled || call.destroyed || call.writableEnded) return false;
  if (call.write(message)) return true;
  return new Promise<boolean>((resolve) => {
    const settle = (value: boolean) => () => {
      call.off('drain', drained);
      call.off('cancelled', gone);
      call.off('close', gone);
      resolve(value);
    };
    const drained = settle(true);
    const gone = settle(false);
    call.on('drain', drained);
    call.on('cancelled', gone);
    call.on('close', gone);
  });
}

function streamName(identifier: StreamIdentifier | undefined): string {
  return identifier ? Buffer.from(identifier.getStreamName_asU8()).toString('utf8') : '';
}

function uuidString(uuid: UUID | undefined): string {
  if (!uuid) throw new Error('event without id');
  if (uuid.hasString()) return uuid.getString().toLowerCase();
  const structured = uuid.getStructured() as UUID.Structured;
  const hex = BigInt.asUintN(64, BigInt(structured.getMostSignificantBits())).toString(16).padStart(16, '0') + BigInt.asUintN(64, BigInt(structured.getLeastSignificantBits())).toString(16).padStart(16, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function proposedEvent(message: AppendReq.ProposedMessage | BatchAppendReq.ProposedMessage): ProposedEvent {
  const metadata = message.getMetadataMap();
  return {
    id: uuidString(message.getId()),
    type: metadata.get('type') ?? '',
    contentType: metadata.get('content-type') ?? 'application/octet-stream',
    data: message.getData_asU8(),
    customMetadata: message.getCustomMetadata_asU8(),
  };
}

function appendExpected(options: AppendReq.Options): ExpectedState {
  if (options.hasRevision()) return { kind: 'revision', revision: BigInt(options.getRevision()) };
  if (options.hasNoStream()) return { kind: 'no_stream' };
  if (options.hasStreamExists()) return { kind: 'stream_exists' };
  return { kind: 'any' };
}

function batchExpected(options: BatchAppendReq.Options): ExpectedState {
  if (options.hasStreamPosition()) return { kind: 'revision', revision: BigInt(options.getStreamPosition()) };
  if (options.hasNoStream()) return { kind: 'no_stream' };
  if (options.hasStreamExists()) return { kind: 'stream_exists' };
  return { kind: 'any' };
}

function toPosition(position: ReadReq.Options.Position): LogPosition {
  return { commit: BigInt(position.getCommitPosition()), prepare: BigInt(position.getPreparePosition()) };
}

function logFilter(options: ReadReq.Options.FilterOptions): LogFilter {
  const expression = (options.hasStreamIdentifier() ? options.getStreamIdentifier() : options.getEventType()) as ReadReq.Options.FilterOptions.Expression;
  const regex = expression.getRegex();
  return { on: options.hasStreamIdentifier() ? 'stream' : 'type', prefixes: expression.getPrefixList(), regex: regex ? new RegExp(regex) : null };
}

function eventResponse(event: LoggedEvent): ReadResp {
  const recorded = new ReadResp.ReadEvent.RecordedEvent()
    .setId(new UUID().setString(event.id))
    .setStreamIdentifier(new StreamIdentifier().setStreamName(Buffer.from(event.streamId, 'utf8')))
    .setStreamRevision(event.revision.toString())
    .setCommitPosition(event.commit.toString())
    .setPreparePosition(event.prepare.toString())
    .setData(event.data)
    .setCustomMetadata(event.customMetadata);
  const metadata = recorded.getMetadataMap();
  metadata.set('type', event.type);
  metadata.set('content-type', event.contentType);
  metadata.set('created', event.created.toString());
  return new ReadResp().setEvent(new ReadResp.ReadEvent().setEvent(recorded).setCommitPosition(event.commit.toString()));
}
