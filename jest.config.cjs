// One jest run for the whole repo: global setup starts one real Kafka broker and one
// PostgreSQL for every integration test (see libs/testing/src/global-setup.ts).
const { compilerOptions } = require('./tsconfig.base.json');

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [`^${alias}$`, `<rootDir>/${target.replace(/^\.\//, '')}`]),
);

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/tools', '<rootDir>/e2e'],
  testMatch: ['**/*.spec.ts'],
  transform: { '^.+\\.[tj]s$': ['@swc/jest'] },
  // ESM-only dependencies that Node 20 can require() but jest's module runtime cannot.
  // openapi-typescript's CommonJS build requires ESM-only packages (parse-json, change-case, supports-color),
  // some of them its own copies in its node_modules.
  transformIgnorePatterns: [
    '/node_modules/(?!(openapi-typescript/node_modules/)?(jose|uuid|openid-client|oauth4webapi|oidc-provider|content-disposition|@platformatic/kafka|@platformatic/dynamic-buffer|@platformatic/wasm-utils|openapi-typescript|parse-json|index-to-position|supports-color|change-case)/)',
  ],
  moduleNameMapper,
  globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
};
