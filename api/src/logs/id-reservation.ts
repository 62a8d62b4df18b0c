import { readFileSync, writeFileSync } from 'node:fs';

/** Ids reserved at a time: one small synchronous write per this many lines. */
const BLOCK = 10_000;

/**
 * The ids a deployment's log has handed out, kept on disk ahead of use (`<id>.ids`), so that a stagingd killed
 * before its lines reached the file never hands the same ids out again: a client that saw them would miss the new
 * lines. A clean close brings the reservation back to the last id, so only a crash leaves a gap.
 */
export class IdReservation {
  private constructor(
    private readonly path: string,
    /** Every id handed out is at most this. */
    public reserved: number,
  ) {}

  static load(path: string): IdReservation {
    let reserved = 0;
    try {
      reserved = Number(readFileSync(path, 'utf8').trim()) || 0;
    } catch {
      // No reservation yet: a new log, or one written before reservations existed.
    }
    return new IdReservation(path, reserved);
  }

  /** Call before handing out `id`: writes a new reservation when `id` is past the current one. */
  ensure(id: number): void {
    if (id <= this.reserved) return;
    this.save(id + BLOCK - 1);
  }

  /** The log closed cleanly with `lastId` its last line: nothing past it was handed out. */
  settle(lastId: number): void {
    if (this.reserved !== lastId) this.save(lastId);
  }

  private save(reserved: number): void {
    writeFileSync(this.path, String(reserved), { mode: 0o600 });
    this.reserved = reserved;
  }
}
