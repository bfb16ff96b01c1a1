module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'worker',
  rootDir: __dirname,
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  // Each file starts its own S3 emulator and worker; a Temporal round trip takes seconds.
  testTimeout: 120_000,
  maxWorkers: 2,
  // The Temporal native bridge keeps handles open after the last test (a known SDK issue).
  forceExit: true,
};
