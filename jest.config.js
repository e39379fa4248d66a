/** One config, three tiers told apart by file suffix: *.spec.ts, *.int-spec.ts, *.e2e-spec.ts. */
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  moduleNameMapper: { '^@app/([a-z-]+)$': '<rootDir>/libs/$1/src' },
  testRegex: '(apps|libs|test)/.*\\.(spec|int-spec|e2e-spec)\\.ts$',
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/\\.data/'],
  globalSetup: '<rootDir>/libs/testing/src/postgres/global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/postgres/global-teardown.ts',
  maxWorkers: 2,
  // A worker whose heap has grown past this after a file is replaced: long-lived workers make
  // every later file's garbage collections slower (and memory tests noisier).
  workerIdleMemoryLimit: '640MB',
  testTimeout: 30000,
  // Test files that open servers and sockets must close them; this makes a leak visible.
  detectOpenHandles: false,
};
