import { readFileSync } from 'node:fs';
import { validateConfig } from '../../common/src/validation/validate';

/**
 * `staging-language-server --check FILE...`: the editor's diagnostics on the command line, one per line as
 * `file:line:column: severity code: message` (1-based), for CI and pre-commit hooks. Exits 1 on any error.
 */
export function check(files: readonly string[]): number {
  let errors = 0;
  let warnings = 0;
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      console.error(`${file}: cannot read: ${error instanceof Error ? error.message : String(error)}`);
      errors++;
      continue;
    }
    for (const d of validateConfig(text)) {
      if (d.severity === 'error') errors++;
      else warnings++;
      console.log(`${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} ${d.code}: ${d.message}`);
    }
  }
  console.log(
    `${files.length} file${files.length === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`,
  );
  return errors > 0 ? 1 : 0;
}

process.exitCode = check(process.argv.slice(2).filter((arg) => arg !== '--check'));
