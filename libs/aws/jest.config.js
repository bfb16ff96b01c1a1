module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'aws',
  rootDir: __dirname,
  testTimeout: 60_000,
};
