/** Injection tokens of the platform's providers. */
export const PLATFORM_CONFIG = Symbol('PLATFORM_CONFIG');
export const LOGGER = Symbol('LOGGER');
export const KYSELY = Symbol('KYSELY');
export const PG_POOL = Symbol('PG_POOL');
export const EVENT_STORE = Symbol('EVENT_STORE');
export const KEY_STORE = Symbol('KEY_STORE');
export const PROGRESS_BUS = Symbol('PROGRESS_BUS');
export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
export const CLOCK = Symbol('CLOCK');

/** Time comes from here (and is passed into commands), never from `new Date()` in logic. */
export type Clock = { now(): Date };
export const systemClock: Clock = { now: () => new Date() };
