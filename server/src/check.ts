import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseJsonc } from 'jsonc-parser';
import type { ConfigDiagnostic } from '../../common/src/validation/diagnostic';
import { validateConfig } from '../../common/src/validation/validate';

const usage = `Usage: staging-language-server --check [--format text|json|github] [--ignore CODE]... FILE...
  text (default): file:line:column: severity code: message, then a summary
  json: one JSON array of {file, line, column, endLine, endColumn, severity, code, message} (1-based)
  github: GitHub Actions annotations (::error file=...,line=...::message)
Codes in staging.validation.ignore of the nearest .vscode/settings.json above a file, and each --ignore, are not
reported; nor is a line's own \`# staging-ignore <code>\`. Exits 1 on any error, 2 on a usage error.`;

type Format = 'text' | 'json' | 'github';

interface Found {
  file: string;
  diagnostic: ConfigDiagnostic;
}

/** staging.validation.ignore of the nearest .vscode/settings.json above `file` (JSON with comments), as VS Code reads it. */
function workspaceIgnores(file: string): string[] {
  for (let dir = path.dirname(path.resolve(file)); ; dir = path.dirname(dir)) {
    const settings = path.join(dir, '.vscode', 'settings.json');
    if (existsSync(settings)) {
      const value = (parseJsonc(readFileSync(settings, 'utf8')) as Record<string, unknown> | undefined)?.['staging.validation.ignore'];
      return Array.isArray(value) ? value.filter((code): code is string => typeof code === 'string') : [];
    }
    if (path.dirname(dir) === dir) return [];
  }
}

/** GitHub's workflow-command escaping: a message's %, CR and LF; a property's also : and ,. */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function print(found: Found[], format: Format, files: number): void {
  const at = ({ diagnostic: d }: Found): { line: number; column: number; endLine: number; endColumn: number } => ({
    line: d.range.start.line + 1,
    column: d.range.start.character + 1,
    endLine: d.range.end.line + 1,
    endColumn: d.range.end.character + 1,
  });
  if (format === 'json') {
    console.log(
      JSON.stringify(found.map((f) => ({ file: f.file, ...at(f), severity: f.diagnostic.severity, code: f.diagnostic.code, message: f.diagnostic.message }))),
    );
    return;
  }
  for (const f of found) {
    const { line, column, endLine, endColumn } = at(f);
    const d = f.diagnostic;
    if (format === 'github') {
      const level = d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'notice';
      console.log(
        `::${level} file=${escapeProperty(f.file)},line=${line},col=${column},endLine=${endLine},endColumn=${endColumn},title=${escapeProperty(`staging.yaml ${d.code}`)}::${escapeData(d.message)}`,
      );
    } else console.log(`${f.file}:${line}:${column}: ${d.severity} ${d.code}: ${d.message}`);
  }
  if (format === 'github') return;
  const count = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;
  const of = (severity: string): number => found.filter((f) => f.diagnostic.severity === severity).length;
  const notes = found.length - of('error') - of('warning');
  console.log(
    `${count(files, 'file')} checked: ${count(of('error'), 'error')}, ${count(of('warning'), 'warning')}${notes > 0 ? `, ${count(notes, 'note')}` : ''}`,
  );
}

/**
 * `staging-language-server --check FILE...`: the editor's diagnostics on the command line, for CI and pre-commit
 * hooks. Exits 1 on any error (a file that cannot be read is one); a note (information, e.g. a setting stagingd does
 * not act on yet) never fails it; 2 when it was given no file or an option it does not know.
 */
export function check(argv: readonly string[]): number {
  let values;
  let files: string[];
  try {
    ({ values, positionals: files } = parseArgs({
      args: argv.filter((arg) => arg !== '--check'),
      options: { format: { type: 'string', default: 'text' }, ignore: { type: 'string', multiple: true, default: [] } },
      allowPositionals: true,
      strict: true,
    }));
    if (!['text', 'json', 'github'].includes(values.format)) throw new Error(`--format is text, json or github, not ${JSON.stringify(values.format)}`);
    if (files.length === 0) throw new Error('no file to check');
  } catch (error) {
    console.error(`staging-language-server --check: ${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
    return 2;
  }
  const found: Found[] = [];
  let unreadable = 0;
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      console.error(`${file}: cannot read: ${error instanceof Error ? error.message : String(error)}`);
      unreadable++;
      continue;
    }
    const ignore = [...workspaceIgnores(file), ...values.ignore];
    for (const diagnostic of validateConfig(text, {}, { ignore })) found.push({ file, diagnostic });
  }
  print(found, values.format as Format, files.length);
  return unreadable > 0 || found.some((f) => f.diagnostic.severity === 'error') ? 1 : 0;
}

process.exitCode = check(process.argv.slice(2));
