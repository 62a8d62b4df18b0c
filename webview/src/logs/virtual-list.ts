/** What the list draws: how many rows, and how to fill a recycled row element with one. */
export interface RowSource {
  readonly size: number;
  fill(element: HTMLElement, row: number): void;
  /** Runs first in each frame the list draws (taking in queued rows); true when there is more for the next frame. */
  prepare?(): boolean;
}

/** Rows drawn above and below the viewport, so a fast scroll shows no gap before the next frame. */
const overscan = 10;

/**
 * A list of fixed-height rows that draws only what is in view: a spacer as tall as every row sets the scroll range,
 * and a pool of absolutely positioned row elements is recycled (row r always uses element r % pool size, so
 * scrolling by one row fills one element). Redrawing happens at most once a frame.
 *
 * Follow mode keeps the view at the bottom as rows arrive; scrolling away from the bottom pauses it, scrolling back
 * to the bottom (or follow()) resumes it.
 */
export class VirtualList {
  private readonly spacer: HTMLElement;
  private readonly pool: HTMLElement[] = [];
  /** The row each pool element shows, -1 for none, and the redraw version it was filled at. */
  private slots: { row: number; version: number }[] = [];
  private version = 0;
  private height = -1;
  private frame: number | undefined;
  /** The scrollTop we set ourselves: its scroll event is not the user's. */
  private expectedTop: number | undefined;
  private followingValue = true;

  constructor(
    readonly viewport: HTMLElement,
    private readonly source: RowSource,
    readonly rowHeight: number,
    private readonly createRow: () => HTMLElement,
    private readonly onFollowChange: (following: boolean) => void,
  ) {
    this.spacer = document.createElement('div');
    this.spacer.className = 'spacer';
    this.spacer.setAttribute('role', 'list');
    viewport.append(this.spacer);
    viewport.addEventListener('scroll', () => this.scrolled(), { passive: true });
    new ResizeObserver(() => this.schedule()).observe(viewport);
  }

  get following(): boolean {
    return this.followingValue;
  }

  /** The first row in view. */
  get firstVisibleRow(): number {
    return Math.min(Math.floor(this.viewport.scrollTop / this.rowHeight), Math.max(0, this.source.size - 1));
  }

  /** Rows were added: draw them (and scroll to them when following) in the next frame. */
  schedule(): void {
    this.frame ??= requestAnimationFrame(() => {
      this.frame = undefined;
      if (this.source.prepare?.()) this.schedule();
      this.render();
    });
  }

  /** Every row must be drawn again (search marks, another filter). */
  redraw(): void {
    this.version++;
    this.schedule();
  }

  follow(): void {
    this.setFollowing(true);
    this.schedule();
  }

  pause(): void {
    this.setFollowing(false);
  }

  /** Shows a row, centred (or at the top), and pauses following. */
  reveal(row: number, align: 'center' | 'top' = 'center'): void {
    this.setFollowing(false);
    this.updateHeight();
    const offset = align === 'center' ? this.viewport.clientHeight / 2 - this.rowHeight / 2 : 0;
    this.scrollTo(Math.max(0, row * this.rowHeight - offset));
    this.schedule();
  }

  private setFollowing(value: boolean): void {
    if (value === this.followingValue) return;
    this.followingValue = value;
    this.onFollowChange(value);
  }

  private scrollTo(top: number): void {
    this.viewport.scrollTop = top;
    this.expectedTop = this.viewport.scrollTop;
  }

  private scrolled(): void {
    const top = this.viewport.scrollTop;
    if (this.expectedTop !== undefined && Math.abs(top - this.expectedTop) < 1) {
      this.expectedTop = undefined;
    } else {
      this.expectedTop = undefined;
      this.setFollowing(top >= this.height - this.viewport.clientHeight - this.rowHeight / 2);
    }
    this.schedule();
  }

  private updateHeight(): void {
    const height = this.source.size * this.rowHeight;
    if (height === this.height) return;
    this.height = height;
    this.spacer.style.height = `${height}px`;
  }

  private render(): void {
    this.updateHeight();
    const viewHeight = this.viewport.clientHeight;
    if (this.followingValue) {
      const bottom = Math.max(0, this.height - viewHeight);
      if (Math.abs(this.viewport.scrollTop - bottom) >= 1) this.scrollTo(bottom);
    }
    const poolSize = Math.ceil(viewHeight / this.rowHeight) + 2 * overscan + 1;
    if (poolSize !== this.pool.length) this.resizePool(poolSize);
    const top = this.viewport.scrollTop;
    const first = Math.max(0, Math.floor(top / this.rowHeight) - overscan);
    const last = Math.min(this.source.size, Math.ceil((top + viewHeight) / this.rowHeight) + overscan);
    for (let row = first; row < last; row++) {
      const index = row % poolSize;
      const slot = this.slots[index]!;
      const element = this.pool[index]!;
      if (slot.row !== row) {
        element.style.transform = `translateY(${row * this.rowHeight}px)`;
        if (slot.row === -1) element.hidden = false;
      } else if (slot.version === this.version) continue;
      this.source.fill(element, row);
      slot.row = row;
      slot.version = this.version;
    }
    for (let index = 0; index < poolSize; index++) {
      const slot = this.slots[index]!;
      if (slot.row !== -1 && (slot.row < first || slot.row >= last)) {
        this.pool[index]!.hidden = true;
        slot.row = -1;
      }
    }
  }

  private resizePool(size: number): void {
    while (this.pool.length < size) {
      const element = this.createRow();
      element.hidden = true;
      this.pool.push(element);
      this.spacer.append(element);
    }
    for (const element of this.pool.splice(size)) element.remove();
    for (const element of this.pool) element.hidden = true;
    this.slots = this.pool.map(() => ({ row: -1, version: -1 }));
  }
}
