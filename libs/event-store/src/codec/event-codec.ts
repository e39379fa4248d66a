import {
  DomainEvent,
  ERASED,
  EventMetadata,
  PersonalDataSpec,
  Recorded,
  WriteMetadata,
  definitionOf,
  upcastEventData,
  validateEventData,
} from '@app/events';
import { z } from 'zod';
import { RawEvent, StoredEvent } from '../event-store.types';
import { canonicalJson } from '../hash-chain';
import { DataKey, KeyStore, open, seal } from '../personal-data/key-store';

/** Where encrypted personal fields live inside a stored payload. */
const SEALED = '$personal';

/** `fields` names what was sealed (names are not personal), so erasure can show which fields existed. */
type SealedBlock = { subject: string; fields: string[]; erased?: true; sealed?: string };
type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

function sealedBlockOf(data: JsonObject): SealedBlock | null {
  const block = data[SEALED];
  if (!isObject(block) || typeof block.subject !== 'string') return null;
  const fields = Array.isArray(block.fields) ? block.fields.filter((f): f is string => typeof f === 'string') : [];
  return { subject: block.subject, fields, erased: block.erased === true ? true : undefined, sealed: typeof block.sealed === 'string' ? block.sealed : undefined };
}

/**
 * The subject whose key seals an event's personal fields. Null when the event has none: the
 * data passed its schema, so the schema lets the subject be absent (an AI draft that is about
 * no lead), and then there is no one to seal for.
 */
function subjectOf(spec: PersonalDataSpec, data: JsonObject, type: string): string | null {
  const subject = data[spec.subjectField];
  if (subject === undefined) return null;
  if (typeof subject !== 'string' || !subject) throw new Error(`${type}: personal data needs a ${spec.subjectField}`);
  return subject;
}

function erasedValues(spec: PersonalDataSpec, present: readonly string[]): JsonObject {
  return Object.fromEntries(present.map((field) => [field, spec.fields[field] === 'record' ? {} : ERASED]));
}

/** Schemas with the personal fields left out, to validate what remains of an erased event. */
const withoutPersonal = new Map<string, z.ZodType>();
function validateWithoutPersonal(type: string, spec: PersonalDataSpec, data: JsonObject): void {
  let schema = withoutPersonal.get(type);
  if (!schema) {
    const full = definitionOf(type).schema;
    if (!(full instanceof z.ZodObject)) throw new Error(`${type}: personal fields need an object schema`);
    schema = full.omit(Object.fromEntries(Object.keys(spec.fields).map((f) => [f, true])) as Record<string, true>);
    withoutPersonal.set(type, schema);
  }
  const result = schema.safeParse(data);
  if (!result.success) throw new Error(`${type}: stored payload is invalid: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
}

/** An event to append: a catalogue event, optionally with its id fixed by the caller. */
export type NewEvent = DomainEvent & { id?: string };

/**
 * Turns catalogue events into stored bytes and back. On the way in: validate against the
 * current schema (nothing invalid is ever written), seal personal fields with the subject's
 * key, serialise canonically. On the way out: open sealed fields (or mark them erased), run
 * upcasters, validate again.
 */
export class EventCodec {
  constructor(private readonly keys: KeyStore) {}

  async encode(events: readonly (NewEvent & { id: string })[], metadata: WriteMetadata): Promise<RawEvent[]> {
    const validated = events.map((event) => {
      const definition = definitionOf(event.type);
      const data = validateEventData(event.type, event.data) as JsonObject;
      return { event, definition, data };
    });
    const subjects = validated.flatMap(({ definition, data, event }) => {
      const subject = definition.personal ? subjectOf(definition.personal, data, event.type) : null;
      return subject ? [subject] : [];
    });
    const keys = subjects.length ? await this.keys.keysForWriting(subjects) : new Map<string, DataKey>();

    return validated.map(({ event, definition, data }) => {
      let stored: JsonObject = data;
      const spec = definition.personal;
      const subject = spec ? subjectOf(spec, data, event.type) : null;
      if (spec && subject !== null) {
        const personal: JsonObject = {};
        const rest: JsonObject = {};
        for (const [field, value] of Object.entries(data)) (field in spec.fields ? personal : rest)[field] = value;
        const key = keys.get(subject) ?? null;
        const fields = Object.keys(personal).sort();
        const block: SealedBlock = key
          ? { subject, fields, sealed: seal(key, Buffer.from(canonicalJson(personal)), Buffer.from(event.id)).toString('base64') }
          : // The subject was erased: its personal data is not stored again, ever.
            { subject, fields, erased: true };
        stored = { ...rest, [SEALED]: block };
      }
      const meta: Omit<EventMetadata, 'prevHash' | 'hash'> = { ...metadata, schemaVersion: definition.version };
      return { id: event.id, type: event.type, version: definition.version, data: canonicalJson(stored), metadata: canonicalJson(meta) };
    });
  }

  /**
   * Decodes a batch; keys for all its subjects are fetched in one round trip. With
   * `withhold`, sealed fields are not opened at all (no key lookup, no decryption) and read
   * as erased, with `personalDataWithheld` set: for callers that only need the rest.
   */
  async decode(stored: readonly StoredEvent[], options: { withhold?: boolean } = {}): Promise<Recorded<DomainEvent>[]> {
    const parsed = stored.map((event) => ({ event, data: JSON.parse(event.data) as JsonObject, metadata: JSON.parse(event.metadata) as JsonObject }));
    const subjects = options.withhold
      ? []
      : parsed.flatMap(({ data }) => {
          const block = sealedBlockOf(data);
          return block?.sealed ? [block.subject] : [];
        });
    const keys = subjects.length ? await this.keys.keysForReading(subjects) : new Map<string, DataKey>();

    return parsed.map(({ event, data, metadata }) => {
      const definition = definitionOf(event.type);
      const block = sealedBlockOf(data);
      let payload: JsonObject = data;
      let erased = false;
      if (block) {
        const { [SEALED]: _sealed, ...rest } = data;
        const key = block.sealed ? keys.get(block.subject) ?? null : null;
        if (key && block.sealed) {
          const personal = JSON.parse(open(key, Buffer.from(block.sealed, 'base64'), Buffer.from(event.id)).toString('utf8')) as JsonObject;
          payload = { ...rest, ...personal };
        } else {
          erased = true;
          payload = rest;
        }
      }
      let upcast: { version: number; data: unknown };
      if (erased) {
        const spec = definition.personal;
        if (!spec) throw new Error(`${event.type} has sealed data but no personal fields`);
        upcast = upcastEventData(event.type, event.version, payload, { validate: false });
        validateWithoutPersonal(event.type, spec, upcast.data as JsonObject);
        upcast = { version: upcast.version, data: { ...(upcast.data as JsonObject), ...erasedValues(spec, block?.fields ?? []) } };
      } else {
        upcast = upcastEventData(event.type, event.version, payload);
      }
      const recorded = {
        id: event.id,
        type: event.type,
        version: upcast.version,
        streamId: event.streamId,
        revision: event.revision,
        position: event.position,
        data: upcast.data,
        metadata: { ...(metadata as Omit<EventMetadata, 'prevHash' | 'hash'>), prevHash: event.prevHash, hash: event.hash },
        personalDataErased: erased && !options.withhold,
        ...(options.withhold && block ? { personalDataWithheld: true } : {}),
      };
      return recorded as Recorded<DomainEvent>;
    });
  }
}
