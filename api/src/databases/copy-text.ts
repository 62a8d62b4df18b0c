import { Transform, type TransformCallback } from 'node:stream';

/**
 * PostgreSQL's COPY text format: a row per line, columns separated by tabs, NULL as `\N`, and backslash escapes
 * for the characters that would break that (https://www.postgresql.org/docs/15/sql-copy.html, "Text Format").
 */
const NULL = '\\N';
const NEWLINE = 0x0a;

const decodes: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };
const ESCAPED = /[\b\f\n\r\t\v\\]/;
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
  // Most values have nothing to escape: looked at once, not rebuilt.
  if (!ESCAPED.test(value)) return value;
  return value.replace(/[\b\f\n\r\t\v\\]/g, (char) => encodes[char]!);
}

/** Rewrites whole rows (UTF-8 bytes ending with a newline, which it may take over); answers the new rows. */
export type RowsRewrite = (rows: Buffer) => Promise<Buffer>;

/** Chunks being rewritten at once: enough to keep every rewrite thread busy, few enough to bound memory. */
const IN_FLIGHT = 8;

/** Bytes of rows rewritten (and written to the target) at once: one CopyData message per batch, not per row. */
const BATCH = 64 * 1024;

/**
 * Rewrites COPY text rows on their way from one server to the other. It splits on newlines in bytes (a newline is
 * never inside a UTF-8 character, and COPY escapes the ones in values), so a row cut between two chunks is joined
 * first; chunks are rewritten concurrently and passed on in order.
 */
export class CopyRowTransform extends Transform {
  private rest: Buffer = Buffer.alloc(0);
  /** Chunks held until there is a batch's worth: PostgreSQL's COPY can come a row or two per read. */
  private held: Buffer[] = [];
  private heldBytes = 0;
  private readonly pending: Promise<Buffer>[] = [];

  constructor(
    private readonly rewrite: RowsRewrite,
    private readonly batchBytes = BATCH,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    if (this.heldBytes < this.batchBytes) return done();
    this.rewriteHeld();
    if (this.pending.length < IN_FLIGHT) return done();
    this.drain(1).then(() => done(), done);
  }

  /** Sends the whole rows held to be rewritten; a row cut at the end waits for the rest of it. */
  private rewriteHeld(): void {
    const data = Buffer.concat([this.rest, ...this.held]);
    this.held = [];
    this.heldBytes = 0;
    const end = data.lastIndexOf(NEWLINE);
    if (end === -1) {
      this.rest = data;
      return;
    }
    // The rest is copied: the rows' bytes may be handed to a thread, and the memory with them.
    this.rest = Buffer.from(data.subarray(end + 1));
    const rewritten = this.rewrite(data.subarray(0, end + 1));
    // A rejection is handled when its turn comes (drain); until then it must not count as unhandled.
    rewritten.catch(() => undefined);
    this.pending.push(rewritten);
  }

  override _flush(done: TransformCallback): void {
    if (this.heldBytes > 0) this.rewriteHeld();
    // COPY ends every row with a newline: a rest here is a row cut short (the source went away).
    if (this.rest.length > 0) return done(new Error('the source ended in the middle of a row'));
    this.drain(this.pending.length).then(() => done(), done);
  }

  /** Passes on the oldest `count` rewritten chunks, in order. */
  private async drain(count: number): Promise<void> {
    for (let i = 0; i < count; i++) this.push(await this.pending.shift()!);
  }
}
