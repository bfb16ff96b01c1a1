module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'formats',
  rootDir: __dirname,
};
