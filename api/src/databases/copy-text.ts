import { Transform, type TransformCallback } from 'node:stream';

/**
 * PostgreSQL's COPY text format: a row per line, columns separated by tabs, NULL as `\N`, and backslash escapes
 * for the characters that would break that (https://www.postgresql.org/docs/15/sql-copy.html, "Text Format").
 */
const NULL = '\\N';
const NEWLINE = 0x0a;

const decodes: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };
const encodes: Record<string, string> = { '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '\\': '\\\\' };

/** A field as COPY wrote it -> its value (null for `\N`). */
export function decodeField(field: string): string | null {
  if (field === NULL) return null;
  if (!field.includes('\\')) return field;
  return field.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_, escape: string) => {
    if (escape[0] === 'x') return String.fromCharCode(parseInt(escape.slice(1), 16));
    if (/^[0-7]/.test(escape)) return String.fromCharCode(parseInt(escape, 8));
    return decodes[escape] ?? escape;
  });
}

/** A value (null for NULL) -> a field COPY reads back as that value. */
export function encodeField(value: string | null): string {
  if (value === null) return NULL;
  return value.replace(/[\b\f\n\r\t\v\\]/g, (char) => encodes[char]!);
}

/** Changes one row's fields in place: only the columns it names are decoded, the rest pass through as written. */
export type RowRewrite = (fields: string[]) => void;

/**
 * Rewrites COPY text rows on their way from one server to the other. It splits on newlines in bytes (a newline is
 * never inside a UTF-8 character, and COPY escapes the ones in values), so a row cut between two chunks is joined first.
 */
export class CopyRowTransform extends Transform {
  private rest: Buffer = Buffer.alloc(0);
  rows = 0;

  constructor(private readonly rewrite: RowRewrite) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const data = this.rest.length > 0 ? Buffer.concat([this.rest, chunk]) : chunk;
    const end = data.lastIndexOf(NEWLINE);
    if (end === -1) {
      this.rest = data;
      return done();
    }
    this.rest = data.subarray(end + 1);
    try {
      done(null, this.rewriteLines(data.toString('utf8', 0, end + 1)));
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    if (this.rest.length === 0) return done();
    // COPY ends every row with a newline: a rest here is a row cut short (the source went away).
    done(new Error('the source ended in the middle of a row'));
  }

  private rewriteLines(text: string): string {
    const lines = text.split('\n');
    lines.pop(); // after the last newline
    for (let index = 0; index < lines.length; index++) {
      const fields = lines[index]!.split('\t');
      this.rewrite(fields);
      lines[index] = fields.join('\t');
    }
    this.rows += lines.length;
    return `${lines.join('\n')}\n`;
  }
}
