// The extensionTestsPath module of `run-tests.mjs --vsix`: the extension under test is the one installed from the
// VSIX, not this repository (the development path is an empty stub).
import { runTestsIn } from '../vscode/index';

export function run(): Promise<void> {
  return runTestsIn(__dirname, 180_000);
}
