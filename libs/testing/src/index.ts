export * from './decider-spec';
export * from './fixtures';
export * from './postgres/test-database';
export * from './postgres/test-server';
