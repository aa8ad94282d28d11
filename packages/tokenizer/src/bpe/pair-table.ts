// Open-addressing hash table from a token pair (a, b) to a packed merge value (rank * 2^21 + result).
// Faster than Map<number, number> for the encoder's hot lookup: two int compares, no boxing.

export class PairTable {
  private keysA: Int32Array; // (capacity) left id, -1 = empty
  private keysB: Int32Array; // (capacity) right id
  private vals: Float64Array; // (capacity)
  private mask: number;
  private count = 0;

  constructor(expected: number) {
    let cap = 16;
    while (cap < expected * 2) cap *= 2;
    this.keysA = new Int32Array(cap).fill(-1);
    this.keysB = new Int32Array(cap);
    this.vals = new Float64Array(cap);
    this.mask = cap - 1;
  }

  private slot(a: number, b: number): number {
    let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77);
    h ^= h >>> 15;
    let i = h & this.mask;
    const ka = this.keysA, kb = this.keysB;
    while (ka[i] !== -1 && (ka[i] !== a || kb[i] !== b)) i = (i + 1) & this.mask;
    return i;
  }

  /** The packed value of (a, b), or Infinity when they do not merge. */
  value(a: number, b: number): number {
    let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77);
    h ^= h >>> 15;
    const mask = this.mask, ka = this.keysA, kb = this.keysB;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const x = ka[i];
      if (x === -1) return Infinity;
      if (x === a && kb[i] === b) return this.vals[i];
    }
  }

  /** The packed value, or -1 when absent. */
  get(a: number, b: number): number {
    const i = this.slot(a, b);
    return this.keysA[i] === -1 ? -1 : this.vals[i];
  }

  set(a: number, b: number, v: number): void {
    if ((this.count + 1) * 2 > this.keysA.length) this.rehash();
    const i = this.slot(a, b);
    if (this.keysA[i] === -1) this.count++;
    this.keysA[i] = a;
    this.keysB[i] = b;
    this.vals[i] = v;
  }

  private rehash(): void {
    const { keysA, keysB, vals } = this;
    const cap = keysA.length * 2;
    this.keysA = new Int32Array(cap).fill(-1);
    this.keysB = new Int32Array(cap);
    this.vals = new Float64Array(cap);
    this.mask = cap - 1;
    this.count = 0;
    for (let i = 0; i < keysA.length; i++) if (keysA[i] !== -1) this.set(keysA[i], keysB[i], vals[i]);
  }

  /** [a, b, result, rank] for every entry, in table order. */
  entries(): [number, number, number, number][] {
    const out: [number, number, number, number][] = [];
    for (let i = 0; i < this.keysA.length; i++) {
      if (this.keysA[i] === -1) continue;
      const v = this.vals[i];
      out.push([this.keysA[i], this.keysB[i], v % 2097152, Math.floor(v / 2097152)]);
    }
    return out;
  }
}
