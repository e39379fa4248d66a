export * from './ids';
export * from './command-runner';
export * from './facts';
export * from './enrollment-use-cases';
