export * from './database-url';
export * from './admin';
export * from './embedded-postgres';
