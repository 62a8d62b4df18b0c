import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The shipped examples: realistic starting points for mutation. */
export function seedDocuments(): string[] {
  const root = join(__dirname, '..', '..', '..', 'examples');
  return readdirSync(root).map((name) => readFileSync(join(root, name, 'staging.yaml'), 'utf8'));
}

// Characters that matter to YAML's structure, plus ordinary text.
const yamlChars = [
  ' ',
  ':',
  '-',
  '#',
  '\n',
  '\t',
  '"',
  "'",
  '[',
  ']',
  '{',
  '}',
  '|',
  '>',
  '&',
  '*',
  '!',
  '%',
  '@',
  ',',
  '?',
  '\r',
  'a',
  'Z',
  '0',
  '{branch}',
  'sk_live_abcdefghij',
  '\u00e9',
  '\ud83d\ude80',
];

type Mutation = (text: string) => string;

const insert = fc.tuple(fc.nat(), fc.constantFrom(...yamlChars)).map(([at, chars]): Mutation => (text) => {
  const i = at % (text.length + 1);
  return text.slice(0, i) + chars + text.slice(i);
});

const remove = fc.tuple(fc.nat(), fc.integer({ min: 1, max: 40 })).map(([at, length]): Mutation => (text) => {
  const i = at % (text.length + 1);
  return text.slice(0, i) + text.slice(i + length);
});

const lineOp = fc.tuple(fc.nat(), fc.nat(), fc.constantFrom('duplicate', 'swap', 'indent', 'dedent', 'drop')).map(([a, b, op]): Mutation => (text) => {
  const lines = text.split('\n');
  const i = a % lines.length;
  const j = b % lines.length;
  if (op === 'duplicate') lines.splice(i, 0, lines[i]!);
  else if (op === 'swap') [lines[i], lines[j]] = [lines[j]!, lines[i]!];
  else if (op === 'indent') lines[i] = `  ${lines[i]!}`;
  else if (op === 'dedent') lines[i] = lines[i]!.replace(/^ {1,2}/, '');
  else lines.splice(i, 1);
  return lines.join('\n');
});

/** A seed document with 1 to 8 random edits applied. */
export function mutatedDocument(seeds: string[]): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...seeds), fc.array(fc.oneof(insert, remove, lineOp), { minLength: 1, maxLength: 8 }))
    .map(([seed, mutations]) => mutations.reduce((text, mutate) => mutate(text), seed));
}

export interface RangeLike {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

/** Why a range does not lie inside the text, or undefined when it does. */
export function rangeProblem(text: string, range: RangeLike): string | undefined {
  const lines = text.split(/\r\n|\r|\n/);
  for (const point of [range.start, range.end]) {
    if (point.line < 0 || point.line >= lines.length) return `line ${point.line} outside 0..${lines.length - 1}`;
    if (point.character < 0 || point.character > lines[point.line]!.length)
      return `character ${point.character} outside line ${point.line} (length ${lines[point.line]!.length})`;
  }
  if (range.start.line > range.end.line || (range.start.line === range.end.line && range.start.character > range.end.character))
    return 'range ends before it starts';
  return undefined;
}
