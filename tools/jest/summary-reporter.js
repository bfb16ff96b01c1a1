// Writes each Jest run's pass/fail counts to .reports/jest/<project>.json so .ci/run can print one
// `N passed, N failed` line for the whole suite (Jest's own summary is per project).
const fs = require('fs');
const path = require('path');

class SummaryReporter {
  constructor(globalConfig) {
    this.globalConfig = globalConfig;
  }

  onRunComplete(contexts, results) {
    const project = [...contexts][0]?.config.displayName?.name ?? path.basename(this.globalConfig.rootDir);
    const dir = path.join(__dirname, '..', '..', '.reports', 'jest');
    fs.mkdirSync(dir, { recursive: true });
    const failedSuites = results.numFailedTestSuites + (results.numRuntimeErrorTestSuites || 0);
    fs.writeFileSync(
      path.join(dir, `${project}.json`),
      JSON.stringify({
        project,
        passed: results.numPassedTests,
        failed: results.numFailedTests,
        failedSuites,
        total: results.numTotalTests,
      }) + '\n',
    );
  }
}

module.exports = SummaryReporter;
