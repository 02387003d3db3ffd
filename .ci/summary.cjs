// Prints jest's JSON results as the plain last line CI reads: "N passed, N failed".
// Exits non-zero when a test failed, a suite failed to run, or no test ran at all.
const { readFileSync, existsSync } = require('node:fs');

const file = process.argv[2];
if (!existsSync(file)) {
  console.log('jest did not run: the lint or type check above failed, or jest could not start');
  console.log('0 passed, 0 failed');
  process.exit(1);
}
const results = JSON.parse(readFileSync(file, 'utf8'));
const passed = results.numPassedTests;
// A suite that fails to load (syntax error, failed global setup) counts tests nowhere else.
const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
if (results.numRuntimeErrorTestSuites > 0) console.log(`${results.numRuntimeErrorTestSuites} test file(s) could not run`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
