export * from './schedulers.config';
export * from './schedulers.module';
