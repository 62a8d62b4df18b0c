import type { LogLine } from './log-line';

/**
 * The newest lines of one deployment's log, bounded by count and by characters, so live followers and followers
 * slightly behind are served from memory; anything older comes from the file.
 */
export class LogTail {
  private lines: LogLine[] = [];
  /** Index in `lines` of the oldest line kept; evicted lines before it are dropped in bulk now and then. */
  private head = 0;
  private chars = 0;

  constructor(
    /** Id of the newest line of the log (in memory or not). */
    public lastId: number,
    private readonly maxLines: number,
    private readonly maxChars: number,
  ) {}

  /** Id of the oldest line in memory, or undefined when none is. */
  get firstId(): number | undefined {
    return this.lines[this.head]?.id;
  }

  push(line: LogLine): void {
    this.lines.push(line);
    this.lastId = line.id;
    this.chars += line.text.length;
    while (this.lines.length - this.head > 1 && (this.lines.length - this.head > this.maxLines || this.chars > this.maxChars)) {
      const oldest = this.lines[this.head];
      if (oldest !== undefined) this.chars -= oldest.text.length;
      this.head++;
    }
    // Compact once the dropped part dominates: amortised O(1) a push.
    if (this.head >= 1024 && this.head * 2 >= this.lines.length) {
      this.lines = this.lines.slice(this.head);
      this.head = 0;
    }
  }

  /** Lines with id > afterId (a copy), or undefined when some of them are not in memory. */
  after(afterId: number): LogLine[] | undefined {
    if (afterId >= this.lastId) return [];
    const firstId = this.firstId;
    if (firstId === undefined || afterId + 1 < firstId) return undefined;
    return this.lines.slice(this.head + (afterId + 1 - firstId));
  }
}
