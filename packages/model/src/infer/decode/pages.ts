// The KV cache's page pool on the host: which of the P pages are free, which are promised to admitted sequences
// (a sequence reserves the pages for its longest possible length when it is admitted, then takes them one at a time
// as its positions are written, so a running sequence can never run out), and the page table (R,M) that the
// kernels read: row r lists the physical pages of the sequence in slot r, -1 after its last.
// Dimension letters: P pages, PG positions per page, R page-table rows (sequence slots), M pages per sequence at most.

export class PagePool {
  /** Free pages; the lowest index is handed out first. */
  private readonly free: number[];
  /** Pages promised to admitted sequences and not yet taken. */
  private reserved = 0;
  /** i32 (R,M): the page table, row r for the sequence in slot r. */
  readonly table: Int32Array;

  constructor(
    /** Pages in the pool (P). */
    readonly pages: number,
    /** Positions per page (PG). */
    readonly pageSize: number,
    /** Page-table rows (R): sequences at once. */
    readonly rows: number,
    /** Page-table columns (M): pages of the longest sequence. */
    readonly maxPages: number,
  ) {
    this.free = Array.from({ length: pages }, (_, i) => pages - 1 - i);
    this.table = new Int32Array(rows * maxPages).fill(-1);
  }

  /** Pages neither in use nor promised. */
  get available(): number {
    return this.free.length - this.reserved;
  }
  /** Pages not in use (promised ones included). */
  get freePages(): number {
    return this.free.length;
  }

  /** Pages that n positions occupy. */
  pagesFor(n: number): number {
    return Math.ceil(n / this.pageSize);
  }

  /** Promise n pages to a sequence; false (and nothing promised) when fewer are available. */
  reserve(n: number): boolean {
    if (n > this.available) return false;
    this.reserved += n;
    return true;
  }

  /** Make sure slot r's row has a page for position u, taking one of its promised pages if not; true if it took one. */
  ensure(r: number, u: number): boolean {
    const j = Math.floor(u / this.pageSize);
    const at = r * this.maxPages + j;
    if (this.table[at] >= 0) return false;
    if (this.reserved === 0) throw new Error(`page pool: slot ${r} takes a page it did not reserve (position ${u})`);
    this.reserved--;
    this.table[at] = this.free.pop()!;
    return true;
  }

  /** Give back slot r's pages and the `unused` promised pages it did not take; clears its row. */
  release(r: number, unused: number): void {
    for (let j = this.maxPages - 1; j >= 0; j--) {
      const at = r * this.maxPages + j;
      if (this.table[at] >= 0) this.free.push(this.table[at]);
      this.table[at] = -1;
    }
    this.free.sort((a, b) => b - a);
    this.reserved -= unused;
  }

  /** Pages slot r holds. */
  held(r: number): number {
    let n = 0;
    for (let j = 0; j < this.maxPages; j++) if (this.table[r * this.maxPages + j] >= 0) n++;
    return n;
  }
}
