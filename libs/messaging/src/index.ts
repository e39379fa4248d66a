export * from './messaging.types';
export * from './in-process/in-process-progress-bus';
export * from './in-process/in-process-work-queue';
export * from './nats/nats-progress-bus';
export * from './nats/nats-work-queue';
export { connect as connectNats } from 'nats';
export type { NatsConnection } from 'nats';
