import { cssColor, parseAnsi, type AnsiSpan } from './ansi';
import type { StoredLine } from './log-lines';
import type { RowMatch } from './log-search';
import type { LogPhase } from './protocol';

const phaseLabel: Record<LogPhase, string> = { build: 'build', runtime: 'run', system: 'sys' };

/** An empty row: line number, phase marker, text. Rows are recycled, so this runs only for the pool. */
export function createRow(): HTMLElement {
  const row = document.createElement('div');
  row.className = 'row';
  row.setAttribute('role', 'listitem');
  for (const part of ['gutter', 'phase', 'text']) {
    const cell = document.createElement('span');
    cell.className = part;
    row.append(cell);
  }
  return row;
}

/** Fills a (recycled) row with a line: its number, its phase, its text in its ANSI styles with search matches marked. */
export function fillRow(row: HTMLElement, line: StoredLine, matches: readonly RowMatch[]): void {
  const [gutter, phase, text] = row.children as unknown as [HTMLElement, HTMLElement, HTMLElement];
  gutter.textContent = String(line.id);
  phase.className = `phase ${line.stream}`;
  phase.textContent = line.phaseStart ? phaseLabel[line.stream] : '';
  phase.title = line.stream;
  row.classList.toggle('phase-start', line.phaseStart);
  if (matches.length === 0 && line.start === undefined && line.text === line.plain) {
    text.textContent = line.plain;
    return;
  }
  text.replaceChildren(...segments(parseAnsi(line.text, line.start).spans, matches));
}

/** The spans cut at match boundaries: a text node for unstyled text outside matches, a styled span otherwise. */
function segments(spans: readonly AnsiSpan[], matches: readonly RowMatch[]): Node[] {
  const nodes: Node[] = [];
  let offset = 0;
  let m = 0;
  for (const span of spans) {
    const spanEnd = offset + span.text.length;
    let at = offset;
    while (at < spanEnd) {
      while (m < matches.length && matches[m]!.end <= at) m++;
      const match = matches[m];
      const inMatch = match !== undefined && match.start <= at;
      const end = Math.min(spanEnd, match === undefined ? spanEnd : inMatch ? match.end : match.start);
      nodes.push(piece(span, span.text.slice(at - offset, end - offset), inMatch ? match : undefined));
      at = end;
    }
    offset = spanEnd;
  }
  return nodes;
}

function piece(style: AnsiSpan, text: string, match: RowMatch | undefined): Node {
  const classes: string[] = [];
  if (typeof style.fg === 'number' && style.fg < 16) classes.push(`f${style.fg}`);
  if (typeof style.bg === 'number' && style.bg < 16) classes.push(`g${style.bg}`);
  if (style.bold) classes.push('b');
  if (style.dim) classes.push('d');
  if (style.italic) classes.push('i');
  if (style.underline) classes.push('u');
  if (match) classes.push(match.current ? 'match current' : 'match');
  const extendedFg = style.fg !== undefined && !(typeof style.fg === 'number' && style.fg < 16);
  const extendedBg = style.bg !== undefined && !(typeof style.bg === 'number' && style.bg < 16);
  if (classes.length === 0 && !extendedFg && !extendedBg) return document.createTextNode(text);
  const element = document.createElement('span');
  if (classes.length > 0) element.className = classes.join(' ');
  // CSSOM, not a style attribute: allowed under the page's CSP. Only for 256-colour and 24-bit colours.
  if (extendedFg) element.style.color = cssColor(style.fg!);
  if (extendedBg) element.style.backgroundColor = cssColor(style.bg!);
  element.textContent = text;
  return element;
}
