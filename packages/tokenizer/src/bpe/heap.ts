// A max-heap of (count, pair) on typed arrays for the BPE trainer. Ties break toward the smaller pair
// (left id, then right id), so training is deterministic. Entries may be stale; the trainer checks on pop.

export class PairHeap {
  private count: Float64Array; // (capacity)
  private pair: Int32Array; // (capacity) pair index
  size = 0;

  constructor(
    capacity: number,
    private readonly pairA: () => Int32Array,
    private readonly pairB: () => Int32Array,
  ) {
    this.count = new Float64Array(Math.max(16, capacity));
    this.pair = new Int32Array(Math.max(16, capacity));
  }

  /** Does entry i come before entry j? */
  private before(i: number, j: number): boolean {
    const ci = this.count[i], cj = this.count[j];
    if (ci !== cj) return ci > cj;
    const pa = this.pairA(), pi = this.pair[i], pj = this.pair[j];
    if (pa[pi] !== pa[pj]) return pa[pi] < pa[pj];
    const pb = this.pairB();
    return pb[pi] < pb[pj];
  }

  private swap(i: number, j: number): void {
    const c = this.count[i]; this.count[i] = this.count[j]; this.count[j] = c;
    const p = this.pair[i]; this.pair[i] = this.pair[j]; this.pair[j] = p;
  }

  push(count: number, pair: number): void {
    if (this.size === this.count.length) {
      const c = new Float64Array(this.size * 2); c.set(this.count); this.count = c;
      const p = new Int32Array(this.size * 2); p.set(this.pair); this.pair = p;
    }
    let i = this.size++;
    this.count[i] = count;
    this.pair[i] = pair;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (!this.before(i, up)) break;
      this.swap(i, up);
      i = up;
    }
  }

  topCount(): number {
    return this.count[0];
  }
  topPair(): number {
    return this.pair[0];
  }

  pop(): void {
    this.swap(0, --this.size);
    let i = 0;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < this.size && this.before(l, m)) m = l;
      if (r < this.size && this.before(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
