/** One server-sent event as it arrived. */
export interface SseFrame {
  id: string | undefined;
  event: string;
  data: string;
}

/**
 * Incremental parser of a text/event-stream body (WHATWG rules: any line ending, `:` comments,
 * multi-line data), fed chunk by chunk; shared by the extension's clients and the tests.
 */
export class SseParser {
  private buffer = '';
  private frame: { id?: string; event?: string; data: string[] } = { data: [] };
  private readonly decoder = new TextDecoder();

  push(chunk: Uint8Array | string): SseFrame[] {
    this.buffer += typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    const frames: SseFrame[] = [];
    let newline: number;
    while ((newline = this.buffer.search(/\r\n|\n|\r/)) >= 0) {
      // A lone \r at the end may be the first half of \r\n: wait for the next chunk.
      if (this.buffer[newline] === '\r' && newline === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + (this.buffer.startsWith('\r\n', newline) ? 2 : 1));
      const frame = this.line(line);
      if (frame) frames.push(frame);
    }
    return frames;
  }

  private line(line: string): SseFrame | undefined {
    if (line === '') {
      const done = this.frame.data.length > 0 ? { id: this.frame.id, event: this.frame.event ?? 'message', data: this.frame.data.join('\n') } : undefined;
      this.frame = { data: [] };
      return done;
    }
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') this.frame.data.push(value);
    else if (field === 'id') this.frame.id = value;
    else if (field === 'event') this.frame.event = value;
    return undefined;
  }
}
