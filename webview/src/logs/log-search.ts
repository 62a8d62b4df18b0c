import { lowerBound, type LogLines } from './log-lines';

/** A match in one row, as offsets into the line's plain text. */
export interface RowMatch {
  start: number;
  end: number;
  current: boolean;
}

/**
 * Case-insensitive search over the rows the filter shows, kept as two parallel arrays (row, start) in row order, so
 * a row finds its matches by binary search and 100,000s of matches cost no objects. New rows are searched as they
 * arrive; the current match stays where it is.
 */
export class LogSearch {
  private queryValue = '';
  private needle = '';
  private rows: number[] = [];
  private starts: number[] = [];
  private searched = 0;
  /** Index of the current match, -1 when there is none. */
  current = -1;

  constructor(private readonly lines: LogLines) {}

  get query(): string {
    return this.queryValue;
  }

  get total(): number {
    return this.rows.length;
  }

  /** Searches every row for `query`; the current match becomes the first one at or after `fromRow`, if any. */
  set(query: string, fromRow: number): void {
    this.queryValue = query;
    this.needle = query.toLowerCase();
    this.rows = [];
    this.starts = [];
    this.searched = 0;
    this.extend();
    this.current = this.rows.length === 0 ? -1 : this.firstAtOrAfter(fromRow) % this.rows.length;
  }

  /** Searches again after the rows changed (another phase filter). */
  reset(fromRow: number): void {
    this.set(this.queryValue, fromRow);
  }

  /** Searches the rows that arrived since the last call. */
  extend(): void {
    const size = this.lines.size;
    if (this.needle !== '') {
      for (let row = this.searched; row < size; row++) {
        const plain = this.lines.line(row).plain;
        const lower = plain.toLowerCase();
        // A few characters change length in lower case ('İ'); search those lines as they are rather than misplace marks.
        const [haystack, needle] = lower.length === plain.length ? [lower, this.needle] : [plain, this.queryValue];
        for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) {
          this.rows.push(row);
          this.starts.push(at);
        }
      }
    }
    this.searched = size;
  }

  /** Moves to the next (or previous) match, wrapping around; with no current match, the first at or after `fromRow`. */
  move(direction: 1 | -1, fromRow: number): void {
    const total = this.rows.length;
    if (total === 0) return;
    if (this.current === -1) {
      const next = this.firstAtOrAfter(fromRow);
      this.current = direction === 1 ? next % total : (next - 1 + total) % total;
    } else {
      this.current = (this.current + direction + total) % total;
    }
  }

  /** The row and offsets of the current match. */
  currentMatch(): { row: number; start: number; end: number } | undefined {
    if (this.current < 0) return undefined;
    const start = this.starts[this.current]!;
    return { row: this.rows[this.current]!, start, end: start + this.needle.length };
  }

  /** The matches in one row, in order. */
  matchesIn(row: number): RowMatch[] {
    const matches: RowMatch[] = [];
    for (let i = this.firstAtOrAfter(row); i < this.rows.length && this.rows[i] === row; i++) {
      matches.push({ start: this.starts[i]!, end: this.starts[i]! + this.needle.length, current: i === this.current });
    }
    return matches;
  }

  /** The index of the first match in a row at or after `row` (the total when there is none). */
  private firstAtOrAfter(row: number): number {
    return lowerBound(this.rows, row);
  }
}
