module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'store',
  rootDir: __dirname,
  globalSetup: '<rootDir>/../../tools/local-stack/src/jest/postgres-global-setup.ts',
  globalTeardown: '<rootDir>/../../tools/local-stack/src/jest/postgres-global-teardown.ts',
  testTimeout: 60_000,
};
