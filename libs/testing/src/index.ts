export * from './decider-spec';
export * from './fixtures';
export * from './postgres/test-database';
export * from './postgres/test-server';
export * from './event-factories';
export * from './event-store-contract';
export * from './wait-for';
