export * from './projection';
export * from './projection-schemas';
export * from './projection-runner';
export * from './projection-host';
export * from './checkpointed-runner';
export * from './reactor';
export * from './reactor-runner';
export * from './lock-connection';
