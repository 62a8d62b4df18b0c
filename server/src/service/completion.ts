import { scalarText } from '../../../common/src/text/quote';
import { alternatives, describe, isArraySchema, isObjectSchema, schemasAt, type JsonSchema } from '../../../common/src/schema/json-schema';
import { CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem, type CompletionList, type Range } from 'vscode-languageserver';
import type { Position, TextDocument } from 'vscode-languageserver-textdocument';
import { cursorContext, type CursorContext } from './cursor';
import { lineShape, type Path } from './outline';
import { escapeSnippet, snippetYaml, yamlString } from './snippet-text';

/** Values only the editor's surroundings know: asked of the client (git) or the staging API before completing. */
export interface CompletionData {
  branches?: string[];
  tags?: string[];
  secrets?: string[];
  environments?: string[];
  /** Names defined elsewhere in the file, from its last validated version. */
  hints?: CompletionHints;
}

export interface CompletionHints {
  tables: string[];
  environments: string[];
}

/** The names completion offers from the file itself: synced tables and fixed environment names. */
export function completionHints(value: unknown): CompletionHints {
  return { tables: syncedTables(value), environments: environmentNames(value) };
}

export type ExternalNeed = 'branches' | 'secrets' | 'environments';

/** Which outside data a completion at this position would use, so the server asks only for that. */
export function completionNeeds(document: TextDocument, position: Position): ExternalNeed | undefined {
  const context = cursorContext(splitLines(document), position);
  if (!context) return undefined;
  return externalNeed(context.kind === 'value' ? context.path : context.container);
}

function externalNeed(path: Path): ExternalNeed | undefined {
  const key = lastKey(path);
  if (key === 'branch' || key === 'branches') return 'branches';
  if (key === 'secret') return 'secrets';
  if (key === 'environments' && typeof path[path.length - 1] === 'number') return 'environments';
  return undefined;
}

export function splitLines(document: TextDocument): string[] {
  return document.getText().split(/\r?\n|\r/);
}

export function complete(document: TextDocument, position: Position, data: CompletionData = {}): CompletionList {
  const lines = splitLines(document);
  const context = cursorContext(lines, position);
  if (!context) return { isIncomplete: false, items: [] };
  const range: Range = {
    start: { line: context.line, character: context.partialStart },
    end: { line: context.line, character: context.partialEnd },
  };
  const items = context.kind === 'key' ? keyItems(lines, context, range, data) : valueItems(schemasAt(context.path), context.path, range, data);
  return { isIncomplete: false, items };
}

function keyItems(lines: readonly string[], context: Extract<CursorContext, { kind: 'key' }>, range: Range, data: CompletionData): CompletionItem[] {
  const schemas = schemasAt(context.container);
  const items: CompletionItem[] = [];
  const present = siblingKeys(lines, context.line, context.column);
  const seen = new Set<string>();
  for (const schema of schemas) {
    if (!isObjectSchema(schema)) continue;
    for (const [key, child] of Object.entries(schema.properties ?? {})) {
      if (present.has(key) || seen.has(key)) continue;
      seen.add(key);
      items.push(keyItem(key, child, range, context.hasColon, schema.required?.includes(key) ?? false));
      if (!context.hasColon) items.push(...blockSnippets(key, child, range));
    }
  }
  if (lastKey(context.container) === 'anonymize' && context.container.length === 2) {
    for (const table of data.hints?.tables ?? []) {
      if (!present.has(table))
        items.push({
          label: table,
          kind: CompletionItemKind.Field,
          detail: 'synced table',
          textEdit: { range, newText: context.hasColon ? table : `${table}:\n  ` },
        });
    }
  }
  // On a `- ` line of a list of values, the values themselves.
  const scalarItems = schemas.filter((s) => !isObjectSchema(s) && !isArraySchema(s));
  if (scalarItems.length > 0 && lineShape(lines[context.line] ?? '')?.dashes.length) items.push(...valueItems(scalarItems, context.container, range, data));
  return items;
}

function keyItem(key: string, schema: JsonSchema, range: Range, hasColon: boolean, required: boolean): CompletionItem {
  const documentation = describe(resolveFirst(schema));
  const item: CompletionItem = {
    label: key,
    kind: CompletionItemKind.Property,
    sortText: `${required ? '0' : '1'}${key}`,
    insertTextFormat: InsertTextFormat.Snippet,
    textEdit: { range, newText: hasColon ? escapeSnippet(key) : `${escapeSnippet(key)}${valueSnippet(schema)}` },
  };
  if (documentation) item.documentation = { kind: MarkupKind.Markdown, value: documentation };
  if (required) item.detail = 'required';
  return item;
}

function resolveFirst(schema: JsonSchema): JsonSchema {
  return alternatives(schema)[0] ?? schema;
}

/** What follows `key` when a key is completed: shaped by the kind of value the schema expects. */
function valueSnippet(schema: JsonSchema): string {
  const options = alternatives(schema);
  const first = options[0] ?? schema;
  if (options.length === 1 && isObjectSchema(first)) return ':\n  $0';
  if (options.length === 1 && isArraySchema(first)) return ':\n  - $0';
  const choices = scalarChoices(options);
  if (choices.length > 1 && choices.every((c) => /^[^,|$}\\]+$/.test(c))) return `: \${1|${choices.join(',')}|}`;
  return ': $0';
}

function scalarChoices(options: JsonSchema[]): string[] {
  const values: string[] = [];
  for (const option of options) {
    if (option.enum) values.push(...option.enum.map((v) => String(v)));
    else if (option.const !== undefined) values.push(scalarText(option.const));
    else if (option.type === 'boolean') values.push('true', 'false');
  }
  const preferred = options.find((o) => o.default !== undefined)?.default;
  if (preferred !== undefined && values.includes(scalarText(preferred))) return [scalarText(preferred), ...values.filter((v) => v !== scalarText(preferred))];
  return values;
}

/** Whole-block snippets from the schema's `defaultSnippets`, e.g. a database sync with anonymisation. */
function blockSnippets(key: string, schema: JsonSchema, range: Range): CompletionItem[] {
  const snippets = schema.defaultSnippets ?? resolveFirst(schema).defaultSnippets ?? [];
  return snippets.map((snippet, index) => {
    const text = `${key}:\n${snippetYaml(snippet.body, '  ').join('\n')}`;
    const item: CompletionItem = {
      label: `${key}: ${snippet.label ?? 'block'}`,
      kind: CompletionItemKind.Snippet,
      filterText: key,
      sortText: `2${key}${index}`,
      insertTextFormat: InsertTextFormat.Snippet,
      textEdit: { range, newText: text },
    };
    const documentation = snippet.markdownDescription ?? snippet.description;
    item.documentation = {
      kind: MarkupKind.Markdown,
      value: `${documentation ? `${documentation}\n\n` : ''}\`\`\`yaml\n${text.replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\d+/g, '')}\n\`\`\``,
    };
    return item;
  });
}

function valueItems(schemas: JsonSchema[], path: Path, range: Range, data: CompletionData): CompletionItem[] {
  const items: CompletionItem[] = [];
  const seen = new Set<string>();
  const add = (label: string, kind: CompletionItemKind, detail?: string, documentation?: string): void => {
    if (seen.has(label)) return;
    seen.add(label);
    const item: CompletionItem = { label, kind, textEdit: { range, newText: yamlString(label) }, sortText: `${String(items.length).padStart(4, '0')}` };
    if (detail) item.detail = detail;
    if (documentation) item.documentation = { kind: MarkupKind.Markdown, value: documentation };
    items.push(item);
  };
  const need = externalNeed(path);
  if (need === 'branches') {
    for (const branch of data.branches ?? []) add(branch, CompletionItemKind.Reference, 'branch');
    for (const tag of data.tags ?? []) add(tag, CompletionItemKind.Reference, 'tag');
  }
  if (need === 'secrets') for (const secret of data.secrets ?? []) add(secret, CompletionItemKind.Variable, 'secret on the staging server');
  if (need === 'environments') {
    for (const name of [...(data.hints?.environments ?? []), ...(data.environments ?? [])]) add(name, CompletionItemKind.Module, 'environment');
  }
  for (const schema of schemas) {
    schema.enum?.forEach((value, index) => add(String(value), CompletionItemKind.EnumMember, undefined, schema.markdownEnumDescriptions?.[index]));
    if (schema.const !== undefined) add(scalarText(schema.const), CompletionItemKind.Constant);
    if (schema.type === 'boolean') ['true', 'false'].forEach((v) => add(v, CompletionItemKind.Value));
    if (schema.default !== undefined && typeof schema.default !== 'object') add(scalarText(schema.default), CompletionItemKind.Value, 'default');
    // Where real names are known (branches, secrets, environments), the schema's examples would only be noise.
    if (need) continue;
    for (const example of schema.examples ?? [])
      if (typeof example === 'string' || typeof example === 'number') add(String(example), CompletionItemKind.Value, 'example');
  }
  return items;
}

function lastKey(path: Path): string | undefined {
  for (let i = path.length - 1; i >= 0; i--) if (typeof path[i] === 'string') return path[i] as string;
  return undefined;
}

/** Keys already written in the mapping the cursor is in, so they are not offered twice. */
function siblingKeys(lines: readonly string[], line: number, column: number): Set<string> {
  const keys = new Set<string>();
  const current = lineShape(lines[line] ?? '');
  if (!current?.dashes.length) {
    for (let l = line - 1; l >= 0; l--) {
      const shape = lineShape(lines[l]!);
      if (!shape) continue;
      if (shape.contentColumn < column || (shape.indent < column && shape.dashes.length === 0)) break;
      if (shape.contentColumn === column && shape.key !== undefined) keys.add(shape.key);
      if (shape.dashes.length > 0 && shape.contentColumn === column) break;
    }
  }
  for (let l = line + 1; l < lines.length; l++) {
    const shape = lineShape(lines[l]!);
    if (!shape) continue;
    if (shape.indent < column) break;
    if (shape.contentColumn === column && shape.dashes.length === 0 && shape.key !== undefined) keys.add(shape.key);
  }
  return keys;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function syncedTables(value: unknown): string[] {
  const include = record(record(record(value)?.['database'])?.['tables'])?.['include'];
  return Array.isArray(include) ? include.filter((t): t is string => typeof t === 'string') : [];
}

function environmentNames(value: unknown): string[] {
  const environments = record(value)?.['environments'];
  if (!Array.isArray(environments)) return [];
  return environments.map((env) => record(env)?.['name']).filter((name): name is string => typeof name === 'string' && !name.includes('{'));
}
