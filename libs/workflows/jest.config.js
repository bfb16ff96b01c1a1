module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'workflows',
  rootDir: __dirname,
  testTimeout: 120_000,
  // The Temporal native bridge keeps handles open after the last test (a known SDK issue).
  forceExit: true,
};
