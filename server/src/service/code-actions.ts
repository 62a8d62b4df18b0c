import { scalarText } from '../../../common/src/text/quote';
import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit } from 'vscode-languageserver';
import { isMap, isPair, type Node } from 'yaml';
import { locate, type ParsedConfig } from '../../../common/src/config/parse';
import { alternatives, childSchema, isObjectSchema, schemasAt, type JsonSchema } from '../../../common/src/schema/json-schema';
import { ignoreComment } from '../../../common/src/validation/suppress';
import type { DiagnosticData } from './diagnostics';
import { yamlString } from './snippet-text';

/** Quick fixes: did-you-mean replacements, adding a missing key, a leading slash, and silencing one line. */
export function codeActions(parsed: ParsedConfig, uri: string, diagnostics: readonly Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  const edit = (title: string, diagnostic: Diagnostic, edits: TextEdit[], preferred = false): void => {
    actions.push({ title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: preferred, edit: { changes: { [uri]: edits } } });
  };
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== 'staging') continue;
    const fix = (diagnostic.data as DiagnosticData | undefined)?.fix;
    if (fix?.kind === 'replace') {
      fix.candidates.forEach((candidate, index) =>
        edit(`Change to '${candidate}'`, diagnostic, [{ range: diagnostic.range, newText: yamlString(candidate) }], index === 0),
      );
    } else if (fix?.kind === 'prefix') {
      edit(`Add '${fix.text}'`, diagnostic, [{ range: { start: diagnostic.range.start, end: diagnostic.range.start }, newText: fix.text }], true);
    } else if (fix?.kind === 'add-key') {
      const insert = addKeyEdit(parsed, fix.parentPath, fix.key);
      if (insert) edit(`Add missing key '${fix.key}'`, diagnostic, [insert], true);
    }
    const silence = ignoreEdit(parsed, diagnostic);
    if (silence) edit(`Ignore '${String(diagnostic.code)}' on this line`, diagnostic, [silence]);
  }
  return actions;
}

/** Appends `# staging-ignore <code>` to the line, or puts it on its own line above when the line has a comment. */
function ignoreEdit(parsed: ParsedConfig, diagnostic: Diagnostic): TextEdit | undefined {
  const line = diagnostic.range.start.line;
  const text = parsed.lines.lineText(line);
  const code = String(diagnostic.code ?? '');
  if (!code || ignoreComment.test(text)) return undefined;
  if (/(^|\s)#/.test(text)) {
    const indent = /^\s*/.exec(text)?.[0] ?? '';
    return { range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: `${indent}# staging-ignore ${code}\n` };
  }
  const end = { line, character: text.length };
  return { range: { start: end, end }, newText: ` # staging-ignore ${code}` };
}

/** Inserts `key: <example>` as the last entry of the mapping at `parentPath`, indented like its siblings. */
function addKeyEdit(parsed: ParsedConfig, parentPath: (string | number)[], key: string): TextEdit | undefined {
  const located = locate(parsed, parentPath);
  const node = parentPath.length === 0 ? (parsed.document.contents as Node | null) : located.node;
  const schema = schemasAt([...parentPath])
    .map((s) => childSchema(s, key))
    .find((s) => s !== undefined);
  let indent: number;
  let afterOffset: number;
  if (isMap(node) && node.items.length > 0 && node.range && !node.flow) {
    const first = node.items[0];
    const firstKey = isPair(first) ? (first.key as Node | null) : null;
    indent = firstKey?.range ? parsed.lines.positionAt(firstKey.range[0]).character : 0;
    afterOffset = node.range[1];
  } else if (located.keyRange) {
    indent = parsed.lines.offsetAt(located.keyRange.start) - parsed.lines.offsetAt({ line: located.keyRange.start.line, character: 0 }) + 2;
    afterOffset = parsed.lines.offsetAt(located.keyRange.end);
    if (node !== null && !(isMap(node) && node.items.length === 0)) return undefined;
  } else {
    return undefined;
  }
  // A block's range runs through its final line break; the entry goes after its last content.
  while (afterOffset > 0 && /\s/.test(parsed.text[afterOffset - 1]!)) afterOffset--;
  const endLine = parsed.lines.positionAt(afterOffset).line;
  const lines = entryLines(key, schema, ' '.repeat(indent));
  const lineEnd = parsed.lines.lineEnd(endLine);
  const position = parsed.lines.positionAt(lineEnd);
  return { range: { start: position, end: position }, newText: `\n${lines.join('\n')}` };
}

/** `key: value` for a scalar, or `key:` and its required children for a mapping. */
function entryLines(key: string, schema: JsonSchema | undefined, indent: string): string[] {
  const options = schema ? alternatives(schema) : [];
  const object = options.find(isObjectSchema);
  if (object) {
    const required = object.required ?? [];
    return [`${indent}${key}:`, ...required.flatMap((child) => entryLines(child, object.properties?.[child], `${indent}  `))];
  }
  return [`${indent}${key}: ${placeholder(options)}`];
}

function placeholder(options: JsonSchema[]): string {
  for (const option of options) {
    const value = option.examples?.[0] ?? option.default ?? option.enum?.[0] ?? option.const;
    if (value !== undefined && (typeof value !== 'object' || value === null)) return typeof value === 'string' ? yamlString(value) : scalarText(value);
  }
  return '""';
}
