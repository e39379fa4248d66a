/** Who did what, when, on whose behalf: written with every event. */
export type EventMetadata = {
  tenantId: string;
  actorId: string;
  correlationId: string;
  causationId: string | null;
  occurredAt: string;
  /** The payload version the event was written with (before any upcasting on read). */
  schemaVersion: number;
  /** Hash of the previous event of the same stream (64 zeros for the first). */
  prevHash: string;
  /** SHA-256 over prevHash and the stored bytes of this event. */
  hash: string;
};

/** The part of the metadata a writer supplies; the store adds the version and the chain. */
export type WriteMetadata = Omit<EventMetadata, 'schemaVersion' | 'prevHash' | 'hash'>;

export type EnvelopeFields = {
  id: string;
  streamId: string;
  /** 0-based position of the event in its stream. */
  revision: number;
  /** Opaque, adapter-owned global position; compare only through the store. */
  position: string;
  /** Payload version after upcasting (the current one). */
  version: number;
  metadata: EventMetadata;
  /** True when the subject's key is gone and the personal fields read as erased. */
  personalDataErased: boolean;
  /** True when the reader asked not to open personal fields (they read as erased, but exist). */
  personalDataWithheld?: boolean;
};

/** A stored event as read back: `{ type, data }` plus its envelope; narrows on `type`. */
export type Recorded<E extends { type: string; data: unknown }> = E extends unknown ? E & EnvelopeFields : never;

export const GENESIS_HASH = '0'.repeat(64);
