import type { LineIndex } from '../config/positions';
import type { ConfigDiagnostic } from './diagnostic';

/** `# staging-ignore` or `# staging-ignore code-a, code-b`, after the line or on the line above. */
export const ignoreComment = /(?:^|\s)#\s*staging-ignore(?:\s+([a-z-]+(?:\s*,\s*[a-z-]+)*))?\s*$/;

/** Lines that silence diagnostics: line number -> codes, or 'all'. */
function silencedLines(lines: LineIndex): Map<number, Set<string> | 'all'> {
  const silenced = new Map<number, Set<string> | 'all'>();
  if (!lines.text.includes('staging-ignore')) return silenced;
  for (let line = 0; line < lines.lineCount; line++) {
    const text = lines.lineText(line);
    const match = ignoreComment.exec(text);
    if (!match) continue;
    const codes: Set<string> | 'all' = match[1] ? new Set(match[1].split(',').map((c) => c.trim())) : 'all';
    // A comment alone on its line silences the next line; a trailing one, its own line.
    const target = text.trimStart().startsWith('#') ? line + 1 : line;
    silenced.set(target, codes);
  }
  return silenced;
}

export function withoutSilenced(diagnostics: ConfigDiagnostic[], lines: LineIndex, ignoredCodes: readonly string[]): ConfigDiagnostic[] {
  const silenced = silencedLines(lines);
  const ignored = new Set(ignoredCodes);
  return diagnostics.filter((d) => {
    if (ignored.has(d.code)) return false;
    const codes = silenced.get(d.range.start.line);
    return !(codes === 'all' || codes?.has(d.code));
  });
}
