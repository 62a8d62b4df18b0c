import { readFileSync } from 'node:fs';
import { validateConfig } from '../../common/src/validation/validate';

/**
 * `staging-language-server --check FILE...`: the editor's diagnostics on the command line, one per line as
 * `file:line:column: severity code: message` (1-based), for CI and pre-commit hooks. Exits 1 on any error; a note
 * (information, e.g. a setting stagingd does not act on yet) never fails it.
 */
export function check(files: readonly string[]): number {
  let errors = 0;
  let warnings = 0;
  let notes = 0;
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
      else if (d.severity === 'warning') warnings++;
      else notes++;
      console.log(`${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} ${d.code}: ${d.message}`);
    }
  }
  const count = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;
  console.log(
    `${count(files.length, 'file')} checked: ${count(errors, 'error')}, ${count(warnings, 'warning')}${notes > 0 ? `, ${count(notes, 'note')}` : ''}`,
  );
  return errors > 0 ? 1 : 0;
}

process.exitCode = check(process.argv.slice(2).filter((arg) => arg !== '--check'));
