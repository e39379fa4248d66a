export * from './tracking-tokens';
export * from './tracking-urls';
export * from './machine-opens';
