export * from './transport';
export * from './message-id';
export * from './tracking-html';
export * from './compose-email';
export * from './local-outbox-transport';
