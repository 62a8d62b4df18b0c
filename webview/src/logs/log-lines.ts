import { hasStyle, scanAnsi, type AnsiStyle } from './ansi';
import type { LogEntry, LogPhase, PhaseFilter } from './protocol';

export interface StoredLine {
  /** The line number in the deployment's log (the SSE event id): kept under any filter. */
  id: number;
  stream: LogPhase;
  /** As received, escapes included: rows parse it again when they are drawn. */
  text: string;
  /** Without escapes: what search runs over. */
  plain: string;
  /** The style the line starts in, when an earlier line of its stream left one open. */
  start: AnsiStyle | undefined;
  /** The first line of a run of its phase (the line before came from another stream). */
  phaseStart: boolean;
}

/**
 * Every line received, and the rows the phase filter shows (row = position in the filtered view). Pure data, no
 * DOM: the page keeps 100,000s of these and draws only the rows in view.
 */
export class LogLines {
  private readonly all: StoredLine[] = [];
  /** Indices into `all` of the rows under a phase filter; undefined for 'all' (row = index). */
  private shown: number[] | undefined;
  private filterValue: PhaseFilter = 'all';
  private readonly carry: Record<LogPhase, AnsiStyle> = { build: {}, runtime: {}, system: {} };
  readonly counts: Record<LogPhase, number> = { build: 0, runtime: 0, system: 0 };
  /** The highest line number so far (for the gutter's width). */
  maxId = 0;

  /** Lines received, whatever the filter. */
  get received(): number {
    return this.all.length;
  }

  /** Rows the filter shows. */
  get size(): number {
    return this.shown?.length ?? this.all.length;
  }

  get filter(): PhaseFilter {
    return this.filterValue;
  }

  line(row: number): StoredLine {
    return this.all[this.shown ? this.shown[row]! : row]!;
  }

  /** Adds a batch in order; the rows from the size before the call to the size after it are new. */
  append(entries: readonly LogEntry[]): void {
    for (const entry of entries) {
      // Terminal styles run on across lines of the same stream until reset, as a terminal would show them.
      const start = this.carry[entry.stream];
      const parsed = scanAnsi(entry.text, start);
      this.carry[entry.stream] = parsed.style;
      const previous = this.all[this.all.length - 1];
      this.all.push({
        id: entry.id,
        stream: entry.stream,
        text: entry.text,
        plain: parsed.plain,
        start: hasStyle(start) ? start : undefined,
        phaseStart: previous?.stream !== entry.stream,
      });
      this.counts[entry.stream]++;
      if (entry.id > this.maxId) this.maxId = entry.id;
      if (this.shown && entry.stream === this.filterValue) this.shown.push(this.all.length - 1);
    }
  }

  setFilter(filter: PhaseFilter): void {
    this.filterValue = filter;
    if (filter === 'all') {
      this.shown = undefined;
      return;
    }
    this.shown = [];
    for (let i = 0; i < this.all.length; i++) if (this.all[i]!.stream === filter) this.shown.push(i);
  }

  /** The position in the whole log of the line a row shows. */
  indexOfRow(row: number): number {
    return this.shown ? (this.shown[row] ?? this.all.length) : row;
  }

  /** The row that shows the line at `index` of the whole log, or the first row after it, or the last row. */
  rowOfIndex(index: number): number {
    if (!this.shown) return Math.min(index, this.all.length - 1);
    return Math.min(lowerBound(this.shown, index), this.shown.length - 1);
  }
}

/** The first position in an ascending array whose value is at least `value` (the length when there is none). */
export function lowerBound(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}
