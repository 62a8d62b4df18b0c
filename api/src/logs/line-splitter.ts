import { StringDecoder } from 'node:string_decoder';
import { maxLineLength } from './log-line';

/**
 * Cuts raw process output into lines. A chunk may end anywhere, even inside a UTF-8 character, so bytes go through a
 * StringDecoder and the unfinished last line waits for the next chunk (or flush()).
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  /** The current line outgrew maxLineLength and was already emitted (truncated later): drop the rest of it. */
  private discarding = false;

  constructor(private readonly emit: (line: string) => void) {}

  write(chunk: Buffer | string): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    let start = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      if (this.discarding) this.discarding = false;
      else this.emit(this.partial + text.slice(start, newline));
      this.partial = '';
      start = newline + 1;
    }
    if (start === text.length || this.discarding) return;
    this.partial += text.slice(start);
    if (this.partial.length > maxLineLength) {
      this.emit(this.partial);
      this.partial = '';
      this.discarding = true;
    }
  }

  /** Emits the unfinished last line, if any (the process exited without a final newline). */
  flush(): void {
    const rest = this.decoder.end();
    if (rest !== '') this.write(rest);
    if (this.partial !== '' && !this.discarding) this.emit(this.partial);
    this.partial = '';
    this.discarding = false;
  }
}
