import { randomUUID } from 'node:crypto';
import { ERASED, InvalidEventPayload } from '@app/events';
import { templateDecider } from '@app/domain';
import { DuplicateEventId, EventStore, KeyStore, WrongExpectedVersion, canonicalJson, handleCommand, verifyChain } from '@app/event-store';
import { leadCreated, templateCreated, templateRevised, writeMetadata } from './event-factories';
import { waitFor } from './wait-for';

export type ContractSubject = { store: EventStore; keys: KeyStore };

/**
 * The behaviour every event-store adapter must show, written once. Each test works in streams
 * of its own, so the suite also runs against a shared, long-lived server.
 */
export function describeEventStoreContract(adapterName: string, subject: () => ContractSubject): void {
  const meta = writeMetadata();
  const stream = (kind = 'template') => `${kind}-${randomUUID()}`;
  const store = () => subject().store;

  describe(`${adapterName} event store: appending`, () => {
    it('creates a stream with no_stream and numbers events from revision 0', async () => {
      const s = stream();
      const result = await store().append(s, [templateCreated(randomUUID()), templateRevised(randomUUID(), 1)], 'no_stream', meta);
      expect(result).toMatchObject({ streamId: s, firstRevision: 0, nextExpectedRevision: 1, duplicate: false });
      const events = await store().readStream(s);
      expect(events.map((e) => [e.revision, e.type])).toEqual([
        [0, 'TemplateCreated'],
        [1, 'TemplateRevised'],
      ]);
      expect(store().comparePositions(events[0]!.position, events[1]!.position)).toBeLessThan(0);
      expect(result.position).toBe(events[1]!.position);
    });

    it('refuses no_stream on an existing stream, naming stream, expected and actual', async () => {
      const s = stream();
      await store().append(s, [templateCreated(randomUUID())], 'no_stream', meta);
      const attempt = store().append(s, [templateRevised(randomUUID(), 1)], 'no_stream', meta);
      await expect(attempt).rejects.toThrow(WrongExpectedVersion);
      await expect(store().append(s, [templateRevised(randomUUID(), 1)], 'no_stream', meta)).rejects.toThrow(
        new RegExp(`stream "${s}": expected no_stream, actual revision 0`),
      );
      expect(await store().readStream(s)).toHaveLength(1);
    });

    it('enforces an exact expected revision', async () => {
      const s = stream();
      await store().append(s, [templateCreated(randomUUID())], 'no_stream', meta);
      await store().append(s, [templateRevised(randomUUID(), 1)], 0, meta);
      const stale = store().append(s, [templateRevised(randomUUID(), 2)], 0, meta);
      await expect(stale).rejects.toMatchObject({ name: 'WrongExpectedVersion', streamId: s, expected: 0, actual: 1 });
      const missing = store().append(stream(), [templateRevised(randomUUID(), 1)], 3, meta);
      await expect(missing).rejects.toMatchObject({ name: 'WrongExpectedVersion', actual: -1 });
      expect(await store().readStream(s)).toHaveLength(2);
    });

    it('enforces stream_exists and accepts any', async () => {
      const s = stream();
      await expect(store().append(s, [templateCreated(randomUUID())], 'stream_exists', meta)).rejects.toMatchObject({ actual: -1 });
      expect(await store().readStream(s)).toEqual([]);
      await store().append(s, [templateCreated(randomUUID())], 'any', meta);
      await store().append(s, [templateRevised(randomUUID(), 1)], 'stream_exists', meta);
      await store().append(s, [templateRevised(randomUUID(), 2)], 'any', meta);
      expect((await store().readStream(s)).map((e) => e.revision)).toEqual([0, 1, 2]);
    });

    it('treats an exact retry of the same event ids as done, without duplicating or failing', async () => {
      const s = stream();
      const events = [
        { ...templateCreated(randomUUID()), id: randomUUID() },
        { ...templateRevised(randomUUID(), 1), id: randomUUID() },
      ];
      const first = await store().append(s, events, 'no_stream', meta);
      const retry = await store().append(s, events, 'no_stream', meta);
      expect(retry).toMatchObject({ duplicate: true, firstRevision: 0, nextExpectedRevision: 1, position: first.position });
      expect(await store().readStream(s)).toHaveLength(2);
    });

    it('refuses an id already used by another event', async () => {
      const s = stream();
      const id = randomUUID();
      await store().append(s, [{ ...templateCreated(randomUUID()), id }], 'no_stream', meta);
      await expect(store().append(stream(), [{ ...templateCreated(randomUUID()), id }], 'any', meta)).rejects.toThrow(DuplicateEventId);
      await expect(store().append(s, [{ ...templateRevised(randomUUID(), 1), id: randomUUID() }, { ...templateRevised(randomUUID(), 2), id }], 'any', meta)).rejects.toThrow(
        DuplicateEventId,
      );
      expect(await store().readStream(s)).toHaveLength(1);
    });

    it('rejects an invalid payload with a clear error and writes nothing', async () => {
      const s = stream();
      const bad = templateCreated(randomUUID(), { subject: '' });
      await expect(store().append(s, [templateCreated(randomUUID()), bad], 'no_stream', meta)).rejects.toThrow(InvalidEventPayload);
      await expect(store().append(s, [bad], 'no_stream', meta)).rejects.toThrow(/Invalid TemplateCreated v1 payload: subject/);
      expect(await store().readStream(s)).toEqual([]);
    });

    it('records the metadata and a verifiable hash chain', async () => {
      const s = stream();
      const m = writeMetadata({ actorId: randomUUID(), correlationId: randomUUID(), causationId: randomUUID() });
      await store().append(s, [templateCreated(randomUUID())], 'no_stream', m);
      await store().append(s, [templateRevised(randomUUID(), 1), templateRevised(randomUUID(), 2)], 0, m);
      const events = await store().readStream(s);
      expect(events[1]!.metadata).toMatchObject({ ...m, schemaVersion: 1, prevHash: events[0]!.metadata.hash });
      expect(events[0]!.metadata.prevHash).toBe('0'.repeat(64));
      const raw = await store().adapter.readStream(s);
      expect(verifyChain(raw)).toMatchObject({ ok: true, events: 3, headHash: events[2]!.metadata.hash });
      const altered = raw.map((e, i) => (i === 1 ? { ...e, data: e.data.replace('Revision 1', 'Revision X') } : e));
      expect(verifyChain(altered)).toMatchObject({ ok: false, firstBreak: { revision: 1, reason: 'hash-mismatch', eventId: raw[1]!.id } });
    });
  });

  describe(`${adapterName} event store: reading`, () => {
    it('reads a stream forwards and backwards, from a revision, with a limit', async () => {
      const s = stream();
      await store().append(s, [templateCreated(randomUUID()), ...[1, 2, 3, 4].map((r) => templateRevised(randomUUID(), r))], 'no_stream', meta);
      const revisions = async (o: Parameters<EventStore['readStream']>[1]) => (await store().readStream(s, o)).map((e) => e.revision);
      expect(await revisions({})).toEqual([0, 1, 2, 3, 4]);
      expect(await revisions({ fromRevision: 2, limit: 2 })).toEqual([2, 3]);
      expect(await revisions({ direction: 'backwards', limit: 2 })).toEqual([4, 3]);
      expect(await revisions({ direction: 'backwards', fromRevision: 1 })).toEqual([1, 0]);
      expect(await store().readStream(stream())).toEqual([]);
    });

    it('reads the whole log in global order, both ways, filtered by type or stream prefix', async () => {
      const ns = `c${randomUUID().slice(0, 8)}`;
      const a = `${ns}a-${randomUUID()}`;
      const b = `${ns}b-${randomUUID()}`;
      const start = await store().headPosition();
      await store().append(a, [templateCreated(randomUUID())], 'no_stream', meta);
      await store().append(b, [templateCreated(randomUUID())], 'no_stream', meta);
      await store().append(a, [templateRevised(randomUUID(), 1)], 0, meta);
      const mine = { streamPrefixes: [`${ns}a-`, `${ns}b-`] };
      const forwards = await store().readAll({ from: start, filter: mine });
      expect(forwards.map((e) => [e.streamId, e.type])).toEqual([
        [a, 'TemplateCreated'],
        [b, 'TemplateCreated'],
        [a, 'TemplateRevised'],
      ]);
      const backwards = await store().readAll({ direction: 'backwards', filter: mine, limit: 2 });
      expect(backwards.map((e) => e.streamId)).toEqual([a, b]);
      const revised = await store().readAll({ from: start, filter: { ...mine, types: ['TemplateRevised'] } });
      expect(revised.map((e) => e.streamId)).toEqual([a]);
      const afterFirst = await store().readAll({ from: forwards[0]!.position, filter: mine });
      expect(afterFirst.map((e) => e.id)).toEqual([forwards[1]!.id, forwards[2]!.id]);
      const onlyB = await store().readAll({ from: start, filter: { streamPrefixes: [`${ns}b-`] } });
      expect(onlyB).toHaveLength(1);
    });
  });

  describe(`${adapterName} event store: subscribing`, () => {
    it('catches up, then goes live, and resumes after a checkpoint', async () => {
      const ns = `s${randomUUID().slice(0, 8)}-`;
      const start = await store().headPosition();
      const s = `${ns}${randomUUID()}`;
      await store().append(s, [templateCreated(randomUUID()), templateRevised(randomUUID(), 1)], 'no_stream', meta);
      const controller = new AbortController();
      const seen: string[] = [];
      let checkpoint: string | null = null;
      const consuming = (async () => {
        for await (const batch of store().subscribeAll({ from: start, filter: { streamPrefixes: [ns] }, signal: controller.signal, batchSize: 1 })) {
          seen.push(...batch.events.map((e) => `${e.revision}`));
          if (batch.events.length) checkpoint = batch.checkpoint;
        }
      })();
      await waitFor(() => seen.length === 2);
      await store().append(s, [templateRevised(randomUUID(), 2)], 1, meta);
      await waitFor(() => seen.length === 3);
      controller.abort();
      await consuming;
      expect(seen).toEqual(['0', '1', '2']);

      await store().append(s, [templateRevised(randomUUID(), 3)], 2, meta);
      const resumed: number[] = [];
      const again = new AbortController();
      for await (const batch of store().subscribeAll({ from: checkpoint, filter: { streamPrefixes: [ns] }, signal: again.signal })) {
        resumed.push(...batch.events.map((e) => e.revision));
        if (resumed.length) again.abort();
      }
      expect(resumed).toEqual([3]);
    });

    it('moves the checkpoint past events the filter skips', async () => {
      const ns = `f${randomUUID().slice(0, 8)}-`;
      const start = await store().headPosition();
      await store().append(`${ns}${randomUUID()}`, [templateCreated(randomUUID())], 'no_stream', meta);
      const skipped = `other-${randomUUID()}`;
      await store().append(skipped, [templateCreated(randomUUID())], 'no_stream', meta);
      const [last] = await store().readStream(skipped);
      const controller = new AbortController();
      let checkpoint: string | null = null;
      for await (const batch of store().subscribeAll({ from: start, filter: { streamPrefixes: [ns] }, signal: controller.signal })) {
        checkpoint = batch.checkpoint;
        if (store().comparePositions(checkpoint, last!.position) >= 0) controller.abort();
      }
      expect(store().comparePositions(checkpoint!, last!.position)).toBeGreaterThanOrEqual(0);
    });
  });

  describe(`${adapterName} event store: personal data`, () => {
    it('stores personal fields encrypted and reads them back decrypted', async () => {
      const leadId = randomUUID();
      const s = `lead-${leadId}`;
      await store().append(s, [leadCreated(leadId, { email: 'grace@navy.example', firstName: 'Grace' })], 'no_stream', meta);
      const [raw] = await store().adapter.readStream(s);
      expect(raw!.data).not.toContain('grace@navy.example');
      expect(raw!.data).not.toContain('Grace');
      expect(raw!.data).toContain('Analytical Engines');
      const [event] = await store().readStream(s);
      expect(event).toMatchObject({ personalDataErased: false, data: { email: 'grace@navy.example', firstName: 'Grace', customFields: { industry: 'computing' } } });
    });

    it('can read a stream without opening personal fields, for callers that do not need them', async () => {
      const leadId = randomUUID();
      const s = `lead-${leadId}`;
      await store().append(s, [leadCreated(leadId, { email: 'withheld@example.com' })], 'no_stream', meta);
      const [event] = await store().readStream(s, { withholdPersonalData: true });
      expect(event).toMatchObject({ personalDataErased: false, personalDataWithheld: true, data: { leadId, email: ERASED, company: 'Analytical Engines' } });
      const [opened] = await store().readStream(s);
      expect(opened).toMatchObject({ data: { email: 'withheld@example.com' } });
      expect(opened?.personalDataWithheld).toBeUndefined();
    });

    it('reads erased personal fields as erased once the key is gone, the rest intact and the chain valid', async () => {
      const leadId = randomUUID();
      const s = `lead-${leadId}`;
      await store().append(s, [leadCreated(leadId)], 'no_stream', meta);
      await subject().keys.erase(leadId);
      const [event] = await store().readStream(s);
      expect(event).toMatchObject({
        personalDataErased: true,
        data: { leadId, email: ERASED, firstName: ERASED, lastName: ERASED, customFields: {}, company: 'Analytical Engines', source: 'MANUAL' },
      });
      expect(verifyChain(await store().adapter.readStream(s)).ok).toBe(true);

      // Nothing personal is ever stored again for an erased subject.
      await store().append(s, [{ type: 'LeadUpdated', data: { leadId, firstName: 'Again', updatedAt: meta.occurredAt } }], 0, meta);
      const raw = await store().adapter.readStream(s);
      expect(raw[1]!.data).not.toContain('Again');
      const [, update] = await store().readStream(s);
      expect(update).toMatchObject({ personalDataErased: true, data: { leadId } });
    });
  });

  describe(`${adapterName} event store: versions`, () => {
    it('upcasts an old payload on read and validates what it reads', async () => {
      const s = `sequence-${randomUUID()}`;
      const templateId = randomUUID();
      const v1 = {
        sequenceId: randomUUID(),
        workspaceId: randomUUID(),
        name: 'Old style',
        steps: [{ templateId, delayDays: 3, condition: 'ALWAYS' }],
        createdAt: '2024-01-01T00:00:00.000Z',
      };
      const metadata = canonicalJson({ ...meta, schemaVersion: 1 });
      await store().adapter.append(s, [{ id: randomUUID(), type: 'SequenceCreated', version: 1, data: canonicalJson(v1), metadata }], 'no_stream');
      const [event] = await store().readStream(s);
      expect(event).toMatchObject({ version: 2, metadata: { schemaVersion: 1 }, data: { steps: [{ delay: 'P3D', condition: 'ALWAYS', variants: [{ key: 'A', templateId, weight: 100 }] }] } });

      const broken = `template-${randomUUID()}`;
      await store().adapter.append(broken, [{ id: randomUUID(), type: 'TemplateCreated', version: 1, data: canonicalJson({ templateId: 'nope' }), metadata }], 'no_stream');
      await expect(store().readStream(broken)).rejects.toThrow(InvalidEventPayload);
    });
  });

  describe(`${adapterName} event store: handling commands`, () => {
    it('decides against the stream as it is when it was assumed new but exists', async () => {
      const templateId = randomUUID();
      const s = `template-${templateId}`;
      const create = { type: 'CreateTemplate' as const, templateId, workspaceId: meta.tenantId, name: 'T', subject: 'S', body: 'B', category: 'OTHER' as const, now: meta.occurredAt };
      const first = await handleCommand({ store: store(), streamId: s, decider: templateDecider, command: create, metadata: meta, assumeNewStream: true });
      expect(first.appended?.firstRevision).toBe(0);
      // The second decision must see the first event and refuse, not append a second creation.
      await expect(handleCommand({ store: store(), streamId: s, decider: templateDecider, command: create, metadata: meta, assumeNewStream: true })).rejects.toThrow(/already exists/);
      expect(await store().readStream(s)).toHaveLength(1);
    });

    it('reads several streams at once', async () => {
      const [a, b, missing] = [`template-${randomUUID()}`, `template-${randomUUID()}`, `template-${randomUUID()}`];
      await store().append(a, [templateCreated(randomUUID()), templateRevised(randomUUID(), 1)], 'no_stream', meta);
      await store().append(b, [templateCreated(randomUUID())], 'no_stream', meta);
      const histories = await store().readStreams([a, b, missing]);
      expect([...histories.entries()].map(([id, events]) => [id, events.map((e) => e.revision)])).toEqual([
        [a, [0, 1]],
        [b, [0]],
        [missing, []],
      ]);
    });

    it('loses no update when many commands hit one stream at once', async () => {
      const templateId = randomUUID();
      const s = `template-${templateId}`;
      const now = '2025-03-03T09:00:00.000Z';
      await handleCommand({
        store: store(),
        streamId: s,
        decider: templateDecider,
        command: { type: 'CreateTemplate', templateId, workspaceId: meta.tenantId, name: 'T', subject: 'S', body: 'B', category: 'OTHER', now },
        metadata: meta,
      });
      const writers = 24;
      await Promise.all(
        Array.from({ length: writers }, (_, i) =>
          handleCommand({
            store: store(),
            streamId: s,
            decider: templateDecider,
            command: { type: 'ReviseTemplate', subject: `S${i}`, body: `B${i}`, now },
            metadata: meta,
            maxAttempts: 100,
          }),
        ),
      );
      const events = await store().readStream(s);
      expect(events).toHaveLength(writers + 1);
      const revisions = events.flatMap((e) => (e.type === 'TemplateRevised' ? [e.data.revision] : []));
      expect(revisions).toEqual(Array.from({ length: writers }, (_, i) => i + 1));
      expect(new Set(events.flatMap((e) => (e.type === 'TemplateRevised' ? [e.data.body] : []))).size).toBe(writers);
    });
  });
}
