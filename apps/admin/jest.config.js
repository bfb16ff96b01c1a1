module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'admin',
  rootDir: __dirname,
  globalSetup: '<rootDir>/../../tools/local-stack/src/jest/temporal-global-setup.ts',
  globalTeardown: '<rootDir>/../../tools/local-stack/src/jest/temporal-global-teardown.ts',
  testTimeout: 120_000,
  maxWorkers: 2,
  // The Temporal native bridge keeps handles open after the last test (a known SDK issue).
  forceExit: true,
};
