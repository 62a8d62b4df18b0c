/**
 * Adds a tag to an HTML document as it streams through: before its last `</body>`, or at the very end
 * when it has none (a browser puts a trailing script into the body anyway). Bytes are passed on as they
 * come, except from the latest `</body` seen (usually the last few bytes of the document), which wait
 * for the end in case a later one turns up. The search is on bytes: UTF-8 never uses ASCII bytes inside
 * a multi-byte character, so `</body` cannot match in the middle of one.
 */

const NEEDLE = '</body';
/** Held back at most this much after a `</body`: past it, that one is let go and the tag goes at the end. */
const MAX_HELD = 64 * 1024;
const EMPTY = Buffer.alloc(0);

function lastNeedle(text: string): number {
  return text.toLowerCase().lastIndexOf(NEEDLE);
}

/** The length of the longest end of `text` that could be the start of `</body` (a needle cut between chunks). */
function partialNeedleAtEnd(text: string): number {
  for (let length = Math.min(NEEDLE.length - 1, text.length); length > 0; length--)
    if (text.slice(text.length - length).toLowerCase() === NEEDLE.slice(0, length)) return length;
  return 0;
}

export class BodyEndInjector {
  private held: Buffer = EMPTY;

  constructor(private readonly tag: Buffer) {}

  /** What may be sent now of what came so far. */
  push(chunk: Buffer): Buffer {
    const data = this.held.length === 0 ? chunk : Buffer.concat([this.held, chunk]);
    const text = data.toString('latin1');
    const found = lastNeedle(text);
    let keepFrom = found !== -1 ? found : data.length - partialNeedleAtEnd(text);
    if (data.length - keepFrom > MAX_HELD) keepFrom = data.length;
    this.held = data.subarray(keepFrom);
    return data.subarray(0, keepFrom);
  }

  /** The rest, with the tag in its place. */
  end(): Buffer {
    const rest = this.held;
    this.held = EMPTY;
    return rest.toString('latin1').toLowerCase().startsWith(NEEDLE) ? Buffer.concat([this.tag, rest]) : Buffer.concat([rest, this.tag]);
  }
}
