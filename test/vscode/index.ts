// The extensionTestsPath module: VS Code's extension host loads out/test/vscode/index.js and calls run()
// once the extensions that activate on startup have activated; the workbench reports run()'s outcome to
// the harness (scripts/vscode/run-tests.mjs) through window.codeAutomationExit.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

/** STAGING_VSCODE_TEST_FILTER=extension runs only the test files whose name contains "extension". */
export function run(): Promise<void> {
  return runTestsIn(__dirname);
}

/** Runs the *.test.js files of `dir` with mocha and prints the line the harness counts. */
export function runTestsIn(dir: string, timeoutMs = 60_000): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', reporter: 'spec', color: false, timeout: timeoutMs });
  const only = process.env.STAGING_VSCODE_TEST_FILTER;
  for (const file of readdirSync(dir).sort()) {
    if (file.endsWith('.test.js') && (!only || file.includes(only))) mocha.addFile(join(dir, file));
  }
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const passed = runner.stats?.passes ?? 0;
      // The harness reads this line to count the layer.
      console.log(`${passed} passed, ${failures} failed`);
      if (failures > 0) reject(new Error(`${failures} test${failures === 1 ? '' : 's'} failed`));
      else if (passed === 0) reject(new Error('no test ran'));
      else resolve();
    });
  });
}
