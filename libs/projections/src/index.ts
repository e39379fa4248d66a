export * from './projection';
export * from './projection-schemas';
export * from './projection-runner';
export * from './projection-host';
