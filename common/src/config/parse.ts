import { isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node, type Pair } from 'yaml';
import { LineIndex, type Range } from './positions';

export type PathSegment = string | number;
export type Path = readonly PathSegment[];

/** Where a value sits in the text: its key (when it is a map value) and the value itself. */
export interface Located {
  node: Node | null;
  pair?: Pair;
  keyRange?: Range;
  valueRange?: Range;
}

export interface YamlProblem {
  code: 'yaml-syntax' | 'duplicate-key';
  message: string;
  range: Range;
  severity: 'error' | 'warning';
}

/** A staging.yaml as text, YAML tree with source offsets, and plain value for schema validation. */
export interface ParsedConfig {
  text: string;
  lines: LineIndex;
  document: Document.Parsed;
  value: unknown;
  problems: YamlProblem[];
}

export function parseConfig(text: string): ParsedConfig {
  const lines = new LineIndex(text);
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true, keepSourceTokens: false, logLevel: 'error' });
  const problems: YamlProblem[] = [];
  for (const error of document.errors) {
    const duplicate = error.code === 'DUPLICATE_KEY';
    // The parser marks one character of a duplicate key; the whole key reads better.
    const end = duplicate ? error.pos[0] + (/^("[^"\n]*"|'[^'\n]*'|[^:\n]*?)(?=\s*:)/.exec(text.slice(error.pos[0]))?.[0].length ?? 1) : error.pos[1];
    problems.push({
      code: duplicate ? 'duplicate-key' : 'yaml-syntax',
      message: yamlMessage(error.message),
      range: lines.rangeOf(error.pos[0], end),
      severity: 'error',
    });
  }
  for (const warning of document.warnings) {
    problems.push({ code: 'yaml-syntax', message: yamlMessage(warning.message), range: lines.rangeOf(warning.pos[0], warning.pos[1]), severity: 'warning' });
  }
  let value: unknown = null;
  try {
    // Bounded alias expansion guards against "billion laughs" documents.
    value = document.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    problems.push({ code: 'yaml-syntax', message: yamlMessage(message), range: lines.rangeOf(0, 0), severity: 'error' });
  }
  return { text, lines, document, value, problems };
}

function yamlMessage(message: string): string {
  if (/Map keys must be unique/.test(message)) return 'Duplicate key: a key may appear only once in a mapping.';
  return message.endsWith('.') ? message : `${message}.`;
}

/** Follows a JSON-pointer-like path through the YAML tree. */
export function locate(parsed: ParsedConfig, path: Path): Located {
  let node: unknown = parsed.document.contents;
  let pair: Pair | undefined;
  for (const segment of path) {
    pair = undefined;
    if (isMap(node)) {
      pair = findPair(node.items, String(segment));
      node = pair?.value ?? null;
      if (!pair) return { node: null };
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment] ?? null;
      if (node === null) return { node: null };
    } else {
      return { node: null };
    }
  }
  const located: Located = { node: (node as Node | null) ?? null };
  if (pair) {
    located.pair = pair;
    const key = pair.key as Node | null;
    if (key?.range) located.keyRange = parsed.lines.rangeOf(key.range[0], key.range[1]);
  }
  const valueNode = node as Node | null;
  if (valueNode?.range) located.valueRange = parsed.lines.rangeOf(valueNode.range[0], valueNode.range[1]);
  return located;
}

export function findPair(items: readonly unknown[], key: string): Pair | undefined {
  for (const item of items) {
    if (isPair(item) && keyText(item) === key) return item;
  }
  return undefined;
}

export function keyText(pair: Pair): string {
  const key = pair.key;
  if (isScalar(key)) return String(key.value);
  return String(key);
}

/** The range to underline for a value: its first line only, so a wrong block value does not paint a whole section. */
export function firstLine(range: Range, parsed: ParsedConfig): Range {
  if (range.end.line === range.start.line) return range;
  const end = parsed.lines.lineEnd(range.start.line);
  return { start: range.start, end: parsed.lines.positionAt(end) };
}
