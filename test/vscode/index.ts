// The extensionTestsPath module: VS Code's extension host loads out/test/vscode/index.js and calls run()
// once the extensions that activate on startup have activated; the workbench reports run()'s outcome to
// the harness (scripts/vscode/run-tests.mjs) through window.codeAutomationExit.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runAll } from './runner';

export async function run(): Promise<void> {
  const only = process.env.STAGING_VSCODE_TEST_FILTER;
  for (const file of readdirSync(__dirname).sort()) {
    if (file.endsWith('.test.js') && (!only || file.includes(only))) require(join(__dirname, file));
  }
  const { passed, failed } = await runAll();
  if (failed > 0) throw new Error(`${failed} test${failed === 1 ? '' : 's'} failed`);
  if (passed === 0) throw new Error('no test ran');
}
