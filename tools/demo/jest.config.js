module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'demo',
  rootDir: __dirname,
  // The demo starts its own Temporal, emulator and worker process.
  testTimeout: 300_000,
  forceExit: true,
};
