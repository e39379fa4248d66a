export * from './projections.registry';
export * from './projectors.config';
export * from './projectors.module';
