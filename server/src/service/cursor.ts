import type { Position } from 'vscode-languageserver-textdocument';
import { containerPath, lineShape, type Path } from './outline';

/** What the cursor is on, for completion: a key to write in a mapping, or a value of a key or list. */
export type CursorContext =
  | { kind: 'key'; container: Path; column: number; partialStart: number; partialEnd: number; hasColon: boolean; line: number }
  | { kind: 'value'; path: Path; partialStart: number; partialEnd: number; line: number; quoted: boolean };

export function cursorContext(lines: readonly string[], position: Position): CursorContext | undefined {
  const text = lines[position.line] ?? '';
  const before = text.slice(0, position.character);
  if (/(^|\s)#/.test(before)) return undefined;
  const shape = lineShape(before + 'x') ?? { indent: 0, dashes: [], contentColumn: before.length };
  const column = shape.contentColumn;
  const typed = before.slice(column);
  const line = position.line;

  const keyValue = /^("[^"]*"|'[^']*'|[^\s#'"{[\]][^:#]*?)\s*:\s+(.*)$/.exec(typed);
  if (keyValue) {
    const key = keyValue[1]!.replace(/^["']|["']$/g, '');
    const path = [...containerPath(lines, line, column, shape.dashes), key];
    const valueStart = column + typed.length - keyValue[2]!.length;
    const valueTyped = keyValue[2]!;
    const flow = /^\[(?:[^\]]*,)?\s*([^,\]]*)$/.exec(valueTyped);
    if (flow) {
      const partialStart = position.character - flow[1]!.length;
      return { kind: 'value', path: [...path, 0], partialStart, partialEnd: wordEnd(text, position.character, /[^,\]\s]/), line, quoted: false };
    }
    return {
      kind: 'value',
      path,
      partialStart: valueStart,
      partialEnd: valueEnd(text, valueStart, position.character),
      line,
      quoted: /^["']/.test(valueTyped),
    };
  }
  if (/^[^\s:#'"{[\]]*$/.test(typed)) {
    const hasColon = /^[^\s:#]*\s*:/.test(text.slice(column));
    const partialEnd = wordEnd(text, position.character, /[^\s:#]/);
    // On a `- ` line this is either the first key of a new item or a scalar item: the schema decides.
    return { kind: 'key', container: containerPath(lines, line, column, shape.dashes), column, partialStart: column, partialEnd, hasColon, line };
  }
  return undefined;
}

function wordEnd(text: string, from: number, wordChar: RegExp): number {
  let end = from;
  while (end < text.length && wordChar.test(text[end]!)) end++;
  return end;
}

/** A value runs to the end of the line, before any comment. */
function valueEnd(text: string, start: number, cursor: number): number {
  const comment = text.slice(start).search(/(^|\s)#/);
  const end = comment < 0 ? text.length : start + comment;
  return Math.max(cursor, text.slice(0, end).trimEnd().length);
}
