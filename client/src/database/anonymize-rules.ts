// staging.yaml's `database.anonymize` as text: where it is, which rules it has, and the text edits that add rules to
// it, merged into the mappings there and indented like the file. Plain functions over the YAML tree (no VS Code).
import { isMap, isScalar, type Node, type Pair, type YAMLMap } from 'yaml';
import { findPair, locate, parseConfig, type ParsedConfig } from '../../../common/src/config/parse';
import type { Range } from '../../../common/src/config/positions';
import { ignoreComment } from '../../../common/src/validation/suppress';

/** A rule to add: `table: { column: strategy }` under `database.anonymize`. */
export interface AnonymizeRule {
  table: string;
  column: string;
  strategy: string;
}

/** Text inserted at an offset of the original text. */
export interface TextInsert {
  offset: number;
  text: string;
}

/** `table.column` of every rule `database.anonymize` has. */
export function existingRules(parsed: ParsedConfig): Set<string> {
  const anonymize = (parsed.value as { database?: { anonymize?: unknown } } | null)?.database?.anonymize;
  const rules = new Set<string>();
  if (typeof anonymize !== 'object' || anonymize === null) return rules;
  for (const [table, columns] of Object.entries(anonymize as Record<string, unknown>)) {
    if (typeof columns === 'object' && columns !== null) for (const column of Object.keys(columns)) rules.add(`${table}.${column}`);
  }
  return rules;
}

/** The key to put a missing rule's diagnostic on: `database.anonymize`, else `database`; undefined without a database section. */
export function anonymizeAnchor(parsed: ParsedConfig): Range | undefined {
  return locate(parsed, ['database', 'anonymize']).keyRange ?? locate(parsed, ['database']).keyRange;
}

/** Whether the line of `range` (or a comment line above it) says `# staging-ignore` for `code`, as the language server reads it. */
export function silencedAt(parsed: ParsedConfig, line: number, code: string): boolean {
  const says = (text: string): boolean => {
    const match = ignoreComment.exec(text);
    return match !== null && (!match[1] || match[1].split(',').some((c) => c.trim() === code));
  };
  if (says(parsed.lines.lineText(line)) && !parsed.lines.lineText(line).trimStart().startsWith('#')) return true;
  const above = line > 0 ? parsed.lines.lineText(line - 1) : '';
  return above.trimStart().startsWith('#') && says(above);
}

/** An entry to write: a scalar value, or a mapping of entries. */
interface Entry {
  key: string;
  value: string | Entry[];
}

const reserved = /^(?:null|true|false|yes|no|on|off|y|n|~)$/i;

/** A key or value as YAML: plain when it reads back as the same string, else single-quoted. */
export function yamlScalar(text: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(text) && !reserved.test(text) ? text : `'${text.replace(/'/g, "''")}'`;
}

function blockLines(entries: Entry[], indent: string, unit: string): string[] {
  return entries.flatMap((entry) =>
    typeof entry.value === 'string'
      ? [`${indent}${yamlScalar(entry.key)}: ${yamlScalar(entry.value)}`]
      : [`${indent}${yamlScalar(entry.key)}:`, ...blockLines(entry.value, indent + unit, unit)],
  );
}

function flowText(entries: Entry[]): string {
  return entries
    .map((entry) => `${yamlScalar(entry.key)}: ${typeof entry.value === 'string' ? yamlScalar(entry.value) : `{ ${flowText(entry.value)} }`}`)
    .join(', ');
}

/**
 * The inserts that add `rules` under `database.anonymize` (a rule it has already is left out): into the table's
 * mapping when there is one, as a new table mapping otherwise, and `anonymize:` itself when the section has none. Block
 * mappings get lines indented like their siblings; flow mappings (`{ a: b }`) get `, c: d`. Undefined when the file has
 * no `database` mapping to put them in (or a shape no rule can be added to without rewriting it, e.g. `users: keep`).
 */
export function addRulesInserts(text: string, rules: readonly AnonymizeRule[]): TextInsert[] | undefined {
  const parsed = parseConfig(text);
  const root = parsed.document.contents;
  const databasePair = isMap(root) ? findPair(root.items, 'database') : undefined;
  if (!databasePair || !isMap(databasePair.value)) return undefined;
  const have = existingRules(parsed);
  const tables = new Map<string, Entry[]>();
  for (const rule of rules) {
    if (have.has(`${rule.table}.${rule.column}`)) continue;
    have.add(`${rule.table}.${rule.column}`);
    tables.set(rule.table, [...(tables.get(rule.table) ?? []), { key: rule.column, value: rule.strategy }]);
  }
  if (tables.size === 0) return [];
  const writer = new InsertWriter(parsed, databasePair);
  const database = databasePair.value;
  const anonymizePair = findPair(database.items, 'anonymize');
  if (!anonymizePair) return writer.append(database, databasePair, [{ key: 'anonymize', value: [...tables].map(([key, value]) => ({ key, value })) }]);
  const anonymize = anonymizePair.value;
  const table = (key: string, value: Entry[]): Entry => ({ key, value });
  if (isEmpty(anonymize))
    return writer.under(
      anonymizePair,
      [...tables].map(([key, value]) => table(key, value)),
    );
  if (!isMap(anonymize)) return undefined;
  const inserts: TextInsert[] = [];
  const newTables: Entry[] = [];
  for (const [name, columns] of tables) {
    const pair = findPair(anonymize.items, name);
    if (!pair) newTables.push(table(name, columns));
    else if (isMap(pair.value)) inserts.push(...(writer.append(pair.value, pair, columns) ?? []));
    else if (isEmpty(pair.value)) inserts.push(...(writer.under(pair, columns) ?? []));
    else return undefined;
  }
  if (newTables.length > 0) inserts.push(...(writer.append(anonymize, anonymizePair, newTables) ?? []));
  // The last table's new columns and the new tables can go at one place: one insert, in that order.
  const merged: TextInsert[] = [];
  for (const insert of inserts) {
    const same = merged.find((m) => m.offset === insert.offset);
    if (same) same.text += insert.text;
    else merged.push({ ...insert });
  }
  return merged;
}

/** A key with nothing after it (`users:`), which a block of entries can follow. */
function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || (isScalar(value) && value.value === null && (value.source === '' || value.source === undefined));
}

/** Writes entries into the text's mappings, in the file's own indentation and line breaks. */
class InsertWriter {
  private readonly eol: string;
  private readonly unit: string;

  constructor(
    private readonly parsed: ParsedConfig,
    databasePair: Pair,
  ) {
    this.eol = parsed.text.includes('\r\n') ? '\r\n' : '\n';
    // The file's indentation step: how far `database`'s entries sit in from `database` (2 when that cannot be seen).
    const database = databasePair.value as YAMLMap;
    const step = !database.flow && database.items.length > 0 ? this.column(database.items[0]!.key as Node) - this.column(databasePair.key as Node) : 0;
    this.unit = ' '.repeat(step > 0 ? step : 2);
  }

  private column(node: Node | null | undefined): number {
    return node?.range ? this.parsed.lines.positionAt(node.range[0]).character : 0;
  }

  /** The entries after the last of `map`'s (whose key is `owner`'s). */
  append(map: YAMLMap, owner: Pair, entries: Entry[]): TextInsert[] | undefined {
    if (!map.range) return undefined;
    if (map.flow) {
      const last = map.items.at(-1);
      if (!last) return [{ offset: map.range[0] + 1, text: ` ${flowText(entries)} ` }];
      const end = ((last.value as Node | null)?.range ?? (last.key as Node | null)?.range)?.[1];
      return end === undefined ? undefined : [{ offset: end, text: `, ${flowText(entries)}` }];
    }
    const first = map.items[0];
    const indent = first ? this.column(first.key as Node) : this.column(owner.key as Node) + this.unit.length;
    return [this.lines(map.range[1], blockLines(entries, ' '.repeat(indent), this.unit))];
  }

  /** The entries as the block under `pair`'s key, which has no value yet. */
  under(pair: Pair, entries: Entry[]): TextInsert[] | undefined {
    const key = pair.key as Node | null;
    if (!key?.range) return undefined;
    const valueEnd = (pair.value as Node | null)?.range?.[1] ?? key.range[1];
    return [this.lines(valueEnd, blockLines(entries, ' '.repeat(this.column(key)) + this.unit, this.unit))];
  }

  /** New lines after the line where the content before `end` ends (a block's range runs through its final line break). */
  private lines(end: number, lines: string[]): TextInsert {
    const text = this.parsed.text;
    let last = end;
    while (last > 0 && /\s/.test(text[last - 1]!)) last--;
    const lineEnd = this.parsed.lines.lineEnd(this.parsed.lines.positionAt(last).line);
    return { offset: lineEnd, text: lines.map((line) => `${this.eol}${line}`).join('') };
  }
}

/** The text with the inserts (at distinct offsets) applied: for tests and previews. */
export function applyInserts(text: string, inserts: readonly TextInsert[]): string {
  let result = text;
  for (const insert of [...inserts].sort((a, b) => b.offset - a.offset)) result = result.slice(0, insert.offset) + insert.text + result.slice(insert.offset);
  return result;
}
