/**
 * The walls of the house, checked on every `npm test`:
 * - libs/domain is pure: it imports libs/events and pure packages only;
 * - libs/events imports no other lib;
 * - libs never import @nestjs/* or an app; pg and kysely only where storage lives;
 * - apps never import each other;
 * - a lib is entered through its index, never by a deep import.
 */
const tests = '\\.(spec|int-spec|e2e-spec)\\.ts$';
const ioModules = ['fs', 'net', 'http', 'https', 'http2', 'child_process', 'dgram', 'dns', 'tls', 'cluster', 'worker_threads', 'crypto'];
const storageLibs = 'libs/(database|event-store|read-store|projections|platform|testing)/';

module.exports = {
  forbidden: [
    {
      name: 'domain-imports-only-events',
      comment: 'libs/domain may import libs/events and nothing else of ours',
      severity: 'error',
      from: { path: '^libs/domain/', pathNot: tests },
      to: { path: '^(libs/(?!domain/|events/)|apps/)' },
    },
    {
      name: 'domain-is-pure',
      comment: 'no framework, storage or IO in deciders: time, ids and facts arrive in the command',
      severity: 'error',
      from: { path: '^libs/domain/', pathNot: tests },
      to: { path: `^(node_modules/(@nestjs|kysely|pg|pg-[a-z-]+|nats|@eventstore|openai|googleapis)/|(node:)?(${ioModules.join('|')})$)`, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'events-import-no-lib',
      severity: 'error',
      from: { path: '^libs/events/' },
      to: { path: '^(libs/(?!events/)|apps/|node_modules/(@nestjs|kysely|pg)/)' },
    },
    {
      name: 'libs-never-import-nest',
      comment: 'NestJS wiring lives in apps and in libs/platform (the shared wiring); other libraries stay framework-free',
      severity: 'error',
      from: { path: '^libs/', pathNot: '^libs/platform/' },
      to: { path: '^node_modules/@nestjs/' },
    },
    {
      name: 'libs-never-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'storage-drivers-only-in-storage-libs',
      comment: 'pg and kysely belong to the storage libraries and the apps',
      severity: 'error',
      from: { path: '^libs/', pathNot: `^${storageLibs}` },
      to: { path: '^node_modules/(pg|kysely)/' },
    },
    {
      name: 'standalone-enters-apps-through-their-index',
      comment: 'the single-process composition root uses each app only through its index',
      severity: 'error',
      from: { path: '^standalone/' },
      to: { path: '^apps/[^/]+/src/.+', pathNot: '^apps/[^/]+/src/index\\.ts$' },
    },
    {
      name: 'apps-do-not-import-each-other',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/([^/]+)/', pathNot: '^apps/$1/' },
    },
    {
      name: 'enter-a-lib-through-its-index',
      comment: 'import @app/<lib>, not a file inside it',
      severity: 'error',
      from: { pathNot: '^libs/([^/]+)/' },
      to: { path: '^libs/([^/]+)/src/.+', pathNot: '^libs/[^/]+/src/index\\.ts$' },
    },
    {
      name: 'no-deep-import-between-libs',
      severity: 'error',
      from: { path: '^libs/([^/]+)/' },
      to: { path: '^libs/([^/]+)/src/.+', pathNot: ['^libs/$1/', '^libs/[^/]+/src/index\\.ts$'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|\\.data)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['require', 'node', 'default'], mainFields: ['main', 'types'] },
  },
};
