export * from './api.config';
export * from './api.module';
