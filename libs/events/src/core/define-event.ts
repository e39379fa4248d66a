import { z } from 'zod';

/**
 * How a personal field is shown once its subject's key has been erased: strings read as
 * {@link ERASED}, records as an empty object.
 */
export type PersonalFieldKind = 'string' | 'record';

/** The fields of an event that hold personal data, and the field naming whose key encrypts them. */
export type PersonalDataSpec = {
  readonly subjectField: string;
  readonly fields: Readonly<Record<string, PersonalFieldKind>>;
};

/** A superseded version of an event's payload and how to lift it to the next version. */
export type HistoricVersion = {
  readonly version: number;
  readonly schema: z.ZodType;
  readonly upcast: (data: unknown) => unknown;
};

/** One entry of the event catalogue: name, current version, runtime schema and its history. */
export type EventDefinition<T extends string = string, S extends z.ZodType = z.ZodType> = {
  readonly type: T;
  readonly version: number;
  readonly schema: S;
  readonly personal: PersonalDataSpec | null;
  readonly history: readonly HistoricVersion[];
};

/** Marker that replaces an erased personal string field when its event is read. */
export const ERASED = '[erased]';

/**
 * Declares an event type. `history` lists older versions in ascending order; each upcaster
 * lifts its version to the next one, and the last one lifts to `version`.
 */
export function defineEvent<const T extends string, S extends z.ZodType>(definition: {
  type: T;
  version?: number;
  schema: S;
  personal?: { subjectField: keyof z.output<S> & string; fields: Partial<Record<keyof z.output<S> & string, PersonalFieldKind>> };
  history?: readonly HistoricVersion[];
}): EventDefinition<T, S> {
  const history = definition.history ?? [];
  const version = definition.version ?? 1;
  history.forEach((h, i) => {
    const next = history[i + 1]?.version ?? version;
    if (h.version + 1 !== next) {
      throw new Error(`${definition.type}: history must step one version at a time (v${h.version} -> v${next})`);
    }
  });
  const personal = definition.personal
    ? { subjectField: definition.personal.subjectField, fields: definition.personal.fields as Record<string, PersonalFieldKind> }
    : null;
  return { type: definition.type, version, schema: definition.schema, personal, history };
}

/** Declares one superseded version: its schema, and how to lift its payload one version up. */
export function historicVersion<S extends z.ZodType>(version: number, schema: S, upcast: (data: z.output<S>) => unknown): HistoricVersion {
  return { version, schema, upcast: (data: unknown) => upcast(data as z.output<S>) };
}

/** `{ type, data }` for one definition. */
export type EventOf<D> = D extends EventDefinition<infer T, infer S> ? { type: T; data: z.output<S> } : never;
