// Counts distinct chunks of training text without allocating a string per chunk: keys are hashed straight from
// the source string's UTF-16 units and kept in a char pool; the table doubles when half full.
import { grow16, probeSlice, sliceHash } from "./slice-table.ts";

export class ChunkCounter {
  private hashes: Int32Array; // (slots)
  private lens: Int32Array; // (slots) 0 = empty
  private keyAt: Int32Array; // (slots) offset into chars
  private counts: Int32Array; // (slots)
  private chars: Uint16Array = new Uint16Array(1 << 16); // (pool) key text
  private nChars = 0;
  private mask: number;
  size = 0;

  constructor(slots = 1 << 16) {
    this.hashes = new Int32Array(slots);
    this.lens = new Int32Array(slots);
    this.keyAt = new Int32Array(slots);
    this.counts = new Int32Array(slots);
    this.mask = slots - 1;
  }

  /** Count one occurrence of s[i, j) (j > i). */
  add(s: string, i: number, j: number): void {
    const h = sliceHash(s, i, j);
    const found = probeSlice(this.hashes, this.lens, this.keyAt, this.chars, this.mask, s, i, j, h);
    if (found >= 0) {
      this.counts[found]++;
      return;
    }
    const slot = ~found;
    const len = j - i;
    if (this.nChars + len > this.chars.length) this.chars = grow16(this.chars, this.nChars + len);
    const at = this.nChars;
    for (let k = 0; k < len; k++) this.chars[at + k] = s.charCodeAt(i + k);
    this.nChars += len;
    this.hashes[slot] = h;
    this.lens[slot] = len;
    this.keyAt[slot] = at;
    this.counts[slot] = 1;
    if (++this.size * 2 > this.lens.length) this.grow();
  }

  private grow(): void {
    const { hashes, lens, keyAt, counts } = this;
    const slots = lens.length * 2;
    this.hashes = new Int32Array(slots);
    this.lens = new Int32Array(slots);
    this.keyAt = new Int32Array(slots);
    this.counts = new Int32Array(slots);
    this.mask = slots - 1;
    for (let i = 0; i < lens.length; i++) {
      if (lens[i] === 0) continue;
      let slot = hashes[i] & this.mask;
      while (this.lens[slot] !== 0) slot = (slot + 1) & this.mask;
      this.hashes[slot] = hashes[i];
      this.lens[slot] = lens[i];
      this.keyAt[slot] = keyAt[i];
      this.counts[slot] = counts[i];
    }
  }

  /** Calls fn(key, count) for every distinct chunk, in insertion order (deterministic). */
  forEach(fn: (key: string, count: number) => void): void {
    const order: number[] = [];
    for (let i = 0; i < this.lens.length; i++) if (this.lens[i] !== 0) order.push(i);
    order.sort((a, b) => this.keyAt[a] - this.keyAt[b]);
    const dec = new TextDecoder("utf-16le");
    for (const i of order) {
      const at = this.keyAt[i];
      fn(dec.decode(this.chars.subarray(at, at + this.lens[i])), this.counts[i]);
    }
  }

  /** Total UTF-16 units of all distinct keys. */
  get keyChars(): number {
    return this.nChars;
  }
}
