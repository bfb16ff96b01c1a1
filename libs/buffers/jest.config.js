module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'buffers',
  rootDir: __dirname,
};
