/**
 * A small ANSI SGR parser for log lines: colours (30-37, 90-97, 40-47, 100-107, 38/48;5;n, 38/48;2;r;g;b), bold,
 * dim, italic, underline and their resets. Every other escape sequence (cursor moves, erases, OSC titles and
 * hyperlinks, charset switches) and control character is dropped; a carriage return starts the line over, as a
 * progress bar means it. Pure: no DOM, so the unit tests and the bench use it as the page does.
 *
 * It runs on every line that arrives (scanAnsi: plain text and the style left open, ~100,000 lines a second in a
 * page), so the walk allocates little: one mutable state with fixed fields, numbers parsed by hand.
 */

/** A palette index (0-15 the theme's terminal colours, 16-255 the xterm cube and greys) or a 24-bit '#rrggbb'. */
export type AnsiColor = number | string;

export interface AnsiStyle {
  fg?: AnsiColor;
  bg?: AnsiColor;
  bold?: true;
  dim?: true;
  italic?: true;
  underline?: true;
}

/** A run of text in one style; only the set attributes are present. */
export interface AnsiSpan extends AnsiStyle {
  text: string;
}

export interface ParsedLine {
  spans: AnsiSpan[];
  /** The text without escapes: what search matches and what offsets in the spans count. */
  plain: string;
  /** The style at the end of the line, where the next line of the same stream starts. */
  style: AnsiStyle;
}

const noStyle: AnsiStyle = Object.freeze({});

/** The style while walking a line: fixed fields (no deletes), so the engine keeps one fast shape. */
class SgrState {
  fg: AnsiColor | undefined;
  bg: AnsiColor | undefined;
  bold: boolean;
  dim: boolean;
  italic: boolean;
  underline: boolean;

  constructor(style: AnsiStyle) {
    this.fg = style.fg;
    this.bg = style.bg;
    this.bold = style.bold === true;
    this.dim = style.dim === true;
    this.italic = style.italic === true;
    this.underline = style.underline === true;
  }

  equals(other: SgrState): boolean {
    return (
      this.fg === other.fg &&
      this.bg === other.bg &&
      this.bold === other.bold &&
      this.dim === other.dim &&
      this.italic === other.italic &&
      this.underline === other.underline
    );
  }

  copy(): SgrState {
    const copy = new SgrState(noStyle);
    copy.fg = this.fg;
    copy.bg = this.bg;
    copy.bold = this.bold;
    copy.dim = this.dim;
    copy.italic = this.italic;
    copy.underline = this.underline;
    return copy;
  }

  /** The style with only its set attributes (what spans and the end style carry). */
  style(): AnsiStyle {
    if (this.fg === undefined && this.bg === undefined && !this.bold && !this.dim && !this.italic && !this.underline) return noStyle;
    const style: AnsiStyle = {};
    if (this.fg !== undefined) style.fg = this.fg;
    if (this.bg !== undefined) style.bg = this.bg;
    if (this.bold) style.bold = true;
    if (this.dim) style.dim = true;
    if (this.italic) style.italic = true;
    if (this.underline) style.underline = true;
    return style;
  }

  /** Applies one code; next[from, to) are the parameters after it (for 38/48), and it answers how many of them it used. */
  apply(code: number, next: readonly number[], from: number, to: number, sub: readonly number[] | undefined): number {
    if (code === 38 || code === 48) {
      // 38;5;n / 38;2;r;g;b take the following parameters; 38:5:n / 38:2::r:g:b carry them as sub-parameters.
      const values = sub ?? next.slice(from, to);
      const { color, used } = extendedColor(values, sub !== undefined);
      if (color !== undefined) {
        if (code === 38) this.fg = color;
        else this.bg = color;
      }
      return sub ? 0 : used;
    }
    if (code === 0) {
      this.fg = this.bg = undefined;
      this.bold = this.dim = this.italic = this.underline = false;
    } else if (code === 1) this.bold = true;
    else if (code === 2) this.dim = true;
    else if (code === 3) this.italic = true;
    else if (code === 4) this.underline = sub?.[0] !== 0;
    else if (code === 22) this.bold = this.dim = false;
    else if (code === 23) this.italic = false;
    else if (code === 24) this.underline = false;
    else if (code >= 30 && code <= 37) this.fg = code - 30;
    else if (code === 39) this.fg = undefined;
    else if (code >= 40 && code <= 47) this.bg = code - 40;
    else if (code === 49) this.bg = undefined;
    else if (code >= 90 && code <= 97) this.fg = code - 90 + 8;
    else if (code >= 100 && code <= 107) this.bg = code - 100 + 8;
    return 0;
  }

  /** Applies an SGR sequence's parameters, text[from, to): `1;31`, `38;5;208`, `38:2::1:2:3`, `` (reset). */
  applySgr(text: string, from: number, to: number): void {
    if (text.indexOf(':', from) !== -1 && text.indexOf(':', from) < to) {
      // Colon sub-parameters are rare: the simple way.
      const groups = text
        .slice(from, to)
        .split(';')
        .map((group) => group.split(':').map((p) => (p === '' ? 0 : Number(p))));
      const codes = groups.map((group) => group[0]!);
      for (let i = 0; i < groups.length; i++) i += this.apply(codes[i]!, codes, i + 1, codes.length, groups[i]!.length > 1 ? groups[i]!.slice(1) : undefined);
      return;
    }
    const numbers = parameters;
    let count = 0;
    let value = 0;
    for (let i = from; i < to; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x3b) {
        numbers[count++] = value;
        value = 0;
      } else value = value * 10 + (c - 0x30);
    }
    numbers[count++] = value;
    for (let i = 0; i < count; i++) i += this.apply(numbers[i]!, numbers, i + 1, count, undefined);
  }
}

/** Reused for every SGR sequence's numbers (only the first `count` of a call are its own). */
const parameters: number[] = [];

const hex = (n: number): string => Math.max(0, Math.min(255, n)).toString(16).padStart(2, '0');

/**
 * The colour of an extended colour code (the parameters after 38 or 48) and how many it used: `5;n` or `2;r;g;b`.
 * Sub-parameters (`38:2::r:g:b`) may have a colour space id before r, g, b.
 */
function extendedColor(values: readonly number[], colon: boolean): { color: AnsiColor | undefined; used: number } {
  const mode = values[0];
  if (mode === 5) {
    const n = values[1];
    return { color: n !== undefined && n <= 255 ? n : undefined, used: 2 };
  }
  if (mode === 2) {
    const rgb = colon && values.length >= 5 ? values.slice(2, 5) : values.slice(1, 4);
    return { color: rgb.length === 3 ? `#${rgb.map(hex).join('')}` : undefined, used: 4 };
  }
  return { color: undefined, used: values.length };
}

/** Whether a style sets anything (a line that starts in one must be parsed to be drawn). */
export function hasStyle(style: AnsiStyle): boolean {
  return (
    style !== noStyle &&
    (style.fg !== undefined || style.bg !== undefined || style.bold === true || style.dim === true || style.italic === true || style.underline === true)
  );
}

/** Anything that is not plain printable text: the C0 controls (ESC and CR among them) but tab, and DEL. */
function isSpecial(code: number): boolean {
  return (code < 0x20 && code !== 0x09) || code === 0x7f;
}

/** The index of the first special character at or after `from`, or the length of the text. */
function plainEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && !isSpecial(text.charCodeAt(i))) i++;
  return i;
}

/** Where an escape sequence that starts at `start` (an ESC) ends; applies it to `state` when it is an SGR. */
function escapeEnd(text: string, start: number, state: SgrState): number {
  const kind = text.charCodeAt(start + 1);
  if (Number.isNaN(kind)) return text.length;
  if (kind === 0x5b) {
    // CSI '[': parameter bytes 0x30-0x3F, intermediate bytes 0x20-0x2F, one final byte 0x40-0x7E.
    let i = start + 2;
    let sgrParameters = true;
    for (let c = text.charCodeAt(i); c >= 0x30 && c <= 0x3f; c = text.charCodeAt(++i)) if (c > 0x3b) sgrParameters = false;
    const parametersEnd = i;
    for (let c = text.charCodeAt(i); c >= 0x20 && c <= 0x2f; c = text.charCodeAt(++i));
    if (i >= text.length) return text.length;
    const final = text.charCodeAt(i);
    if (final < 0x40 || final > 0x7e) return i;
    if (final === 0x6d && parametersEnd === i && sgrParameters) state.applySgr(text, start + 2, parametersEnd);
    return i + 1;
  }
  if (kind === 0x5d || kind === 0x50 || kind === 0x58 || kind === 0x5e || kind === 0x5f) {
    // OSC ']', DCS 'P', SOS 'X', PM '^', APC '_': a string up to BEL or ST (ESC \); unterminated, to the end of the line.
    for (let i = start + 2; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x07) return i + 1;
      if (c === 0x1b && text.charCodeAt(i + 1) === 0x5c) return i + 2;
    }
    return text.length;
  }
  // Two-character escapes, possibly with intermediates: ESC 7, ESC =, ESC ( B ...
  let i = start + 1;
  for (let c = text.charCodeAt(i); c >= 0x20 && c <= 0x2f; c = text.charCodeAt(++i));
  return Math.min(i + 1, text.length);
}

/**
 * Walks a line with escapes: `run` gets each run of printable text with the state it is in, `restart` each carriage
 * return. The state ends as the line leaves it.
 */
function walk(text: string, state: SgrState, run: (text: string) => void, restart: () => void): void {
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === 0x1b) i = escapeEnd(text, i, state);
    else if (code === 0x0d) {
      restart();
      i++;
    } else if (isSpecial(code)) i++;
    else {
      const end = plainEnd(text, i);
      run(text.slice(i, end));
      i = end;
    }
  }
}

/** The plain text of a line and the style it leaves open, without building spans: what the page runs on arrival. */
export function scanAnsi(text: string, start: AnsiStyle = noStyle): { plain: string; style: AnsiStyle } {
  if (plainEnd(text, 0) === text.length) return { plain: text, style: start };
  const state = new SgrState(start);
  let plain = '';
  walk(
    text,
    state,
    (run) => (plain += run),
    () => (plain = ''),
  );
  return { plain, style: state.style() };
}

/** Splits a line into styled spans, starting in `start` (the previous line's end style); `start` is not changed. */
export function parseAnsi(text: string, start: AnsiStyle = noStyle): ParsedLine {
  if (plainEnd(text, 0) === text.length) {
    const style = new SgrState(start).style();
    return { spans: text === '' ? [] : [{ ...style, text }], plain: text, style };
  }
  const state = new SgrState(start);
  let spans: AnsiSpan[] = [];
  let last: SgrState | undefined;
  let plain = '';
  walk(
    text,
    state,
    (run) => {
      plain += run;
      if (last?.equals(state)) spans[spans.length - 1]!.text += run;
      else {
        spans.push({ ...state.style(), text: run });
        last = state.copy();
      }
    },
    () => {
      spans = [];
      last = undefined;
      plain = '';
    },
  );
  return { spans, plain, style: state.style() };
}

/** The text without escape sequences and control characters, as parseAnsi counts it. */
export function stripAnsi(text: string): string {
  return scanAnsi(text).plain;
}

const paletteNames = ['Black', 'Red', 'Green', 'Yellow', 'Blue', 'Magenta', 'Cyan', 'White'];
const cubeLevels = [0, 95, 135, 175, 215, 255];

/**
 * A colour as CSS: 0-15 are the theme's terminal colours (`var(--vscode-terminal-ansiRed)`), 16-255 the xterm
 * 6x6x6 cube and grey ramp, strings are already '#rrggbb'.
 */
export function cssColor(color: AnsiColor): string {
  if (typeof color === 'string') return color;
  if (color < 16) return `var(--vscode-terminal-ansi${color >= 8 ? 'Bright' : ''}${paletteNames[color % 8]!})`;
  if (color < 232) {
    const n = color - 16;
    return `#${[Math.floor(n / 36), Math.floor(n / 6) % 6, n % 6].map((level) => hex(cubeLevels[level]!)).join('')}`;
  }
  return `#${hex(8 + (color - 232) * 10).repeat(3)}`;
}
