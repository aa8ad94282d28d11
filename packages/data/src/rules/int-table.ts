// A reusable open-addressing hash table from int32 keys to int32 counts, cleared in O(1) by a generation stamp:
// the per-document n-gram counting in the Gopher repetition filter without allocating a Map per document.

export class IntCounter {
  private keys = new Int32Array(1 << 12); // (cap)
  private counts = new Int32Array(1 << 12); // (cap)
  private stamps = new Int32Array(1 << 12); // (cap) generation that wrote the slot
  private gen = 0;
  private mask = (1 << 12) - 1;

  /** Forget everything and make room for up to n distinct keys at load ≤ 0.5. */
  reset(n: number): void {
    if (2 * n > this.keys.length) {
      let cap = this.keys.length;
      while (cap < 2 * n) cap *= 2;
      this.keys = new Int32Array(cap);
      this.counts = new Int32Array(cap);
      this.stamps = new Int32Array(cap);
      this.mask = cap - 1;
      this.gen = 0;
    }
    this.gen++;
  }

  /** Add one to key's count and return the new count. key must already be well mixed. */
  inc(key: number): number {
    let i = key & this.mask;
    for (;;) {
      if (this.stamps[i] !== this.gen) {
        this.stamps[i] = this.gen;
        this.keys[i] = key;
        this.counts[i] = 1;
        return 1;
      }
      if (this.keys[i] === key) return ++this.counts[i]!;
      i = (i + 1) & this.mask;
    }
  }
}
