/** One meaningful line of YAML block structure, read without parsing the whole document. */
export interface LineShape {
  indent: number;
  /** Columns of the `- ` sequence markers on the line, outermost first. */
  dashes: number[];
  /** Column where the content after the indentation and dashes begins. */
  contentColumn: number;
  /** The mapping key on the line, if any (text before `key:`). */
  key?: string;
  /** Column just after `key:` and its spaces, where the value starts. */
  valueColumn?: number;
}

export type Path = (string | number)[];

const keyPattern = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"{[\]][^:#]*?)\s*:(?:\s+|$)/;

/** Reads a line's indentation, dashes and key; undefined for blank and comment-only lines. */
export function lineShape(text: string): LineShape | undefined {
  const indent = text.length - text.trimStart().length;
  let column = indent;
  const dashes: number[] = [];
  while (text[column] === '-' && (column + 1 === text.length || text[column + 1] === ' ')) {
    dashes.push(column);
    column++;
    while (text[column] === ' ') column++;
  }
  const content = text.slice(column);
  if (content.startsWith('#') || (content.trim() === '' && dashes.length === 0)) return undefined;
  const shape: LineShape = { indent, dashes, contentColumn: column };
  const match = keyPattern.exec(content);
  if (match) {
    shape.key = unquote(match[1]!.trim());
    shape.valueColumn = column + match[0].length;
  }
  return shape;
}

export function unquote(text: string): string {
  if (text.length >= 2 && ((text.startsWith('"') && text.endsWith('"')) || (text.startsWith("'") && text.endsWith("'")))) return text.slice(1, -1);
  return text;
}

/**
 * The path of the mapping that holds a key written at `column` on `line` (whose own dashes are given),
 * read from indentation alone so that it works on half-typed lines that do not parse.
 */
export function containerPath(lines: readonly string[], line: number, column: number, dashes: readonly number[] = []): Path {
  if (dashes.length > 0) {
    const [owner, index] = sequenceAt(lines, line, dashes);
    return [...owner, index];
  }
  for (let l = line - 1; l >= 0; l--) {
    const shape = lineShape(lines[l]!);
    if (!shape) continue;
    if (shape.dashes.length > 0 && shape.contentColumn === column) {
      // A sibling key that opens a sequence item: we are in that item.
      return containerPath(lines, l, column, shape.dashes);
    }
    if (shape.contentColumn < column && shape.key !== undefined) {
      return [...containerPath(lines, l, shape.contentColumn, shape.dashes), shape.key];
    }
    if (shape.indent < column && shape.dashes.length === 0) return [];
  }
  return [];
}

/** The sequence whose item starts at the last of `dashes` on `line`: the path that owns it and the item's index. */
function sequenceAt(lines: readonly string[], line: number, dashes: readonly number[]): [Path, number] {
  const dash = dashes[dashes.length - 1]!;
  const outer = dashes.slice(0, -1);
  let index = 0;
  for (let l = line - 1; l >= 0 && outer.length === 0; l--) {
    const shape = lineShape(lines[l]!);
    if (!shape) continue;
    if (shape.dashes[shape.dashes.length - 1] === dash) {
      index++;
      continue;
    }
    if (shape.indent > dash || shape.contentColumn > dash) continue;
    if (shape.key !== undefined) return [[...containerPath(lines, l, shape.contentColumn, shape.dashes), shape.key], index];
    return [[], index];
  }
  // `- - item`: this sequence is the value of the outer item that opens on the same line.
  if (outer.length > 0) {
    const [owner, outerIndex] = sequenceAt(lines, line, outer);
    return [[...owner, outerIndex], 0];
  }
  return [[], index];
}
