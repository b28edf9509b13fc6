/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  // middy and the proxy agents ship ESM only, so jest must transform them like project code.
  transformIgnorePatterns: ['/node_modules/(?!(@middy|http-proxy-agent|https-proxy-agent|agent-base|proxy-agent-negotiate)/)'],
  // Servers started by tests (Prometheus, DynamoDB Local) need more than the 5 s default.
  testTimeout: 120000,
  setupFiles: ['<rootDir>/test/support/env.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};
