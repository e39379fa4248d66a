export * from './migrations';
export type { DB } from './generated/db';
export type * from './generated/db';
