// The encoder's chunk cache: chunk text -> token ids, without allocating a key string per lookup.
// Keys are hashed straight from the source string's UTF-16 units and stored in a char pool; values are one id
// or a run in an id pool. When it holds maxEntries chunks it is cleared (cheap, and natural text refills it fast).
import { grow16, probeSlice, sliceHash } from "./slice-table.ts";

export class ChunkCache {
  private hashes: Int32Array; // (slots)
  private lens: Int32Array; // (slots) key length in UTF-16 units; 0 = empty slot
  private keyAt: Int32Array; // (slots) offset of the key in chars
  private val: Int32Array; // (slots) the id when the chunk is one token, else -1 - offset into ids
  private valLen: Int32Array; // (slots) number of ids
  private chars: Uint16Array; // (pool) key text
  private ids: Uint32Array; // (pool) multi-token values
  private nChars = 0;
  private nIds = 0;
  private count = 0;
  private readonly mask: number;
  /** Slot of the last missed lookup, where set() stores. */
  private pending = -1;
  private pendingHash = 0;

  constructor(private readonly maxEntries: number) {
    let slots = 16;
    while (slots < maxEntries * 2) slots *= 2;
    this.mask = slots - 1;
    this.hashes = new Int32Array(slots);
    this.lens = new Int32Array(slots);
    this.keyAt = new Int32Array(slots);
    this.val = new Int32Array(slots);
    this.valLen = new Int32Array(slots);
    this.chars = new Uint16Array(maxEntries * 8);
    this.ids = new Uint32Array(maxEntries * 4);
  }

  /** Slot holding s[i, j), or -1 (and remembers where to store it). */
  find(s: string, i: number, j: number): number {
    const h = sliceHash(s, i, j);
    const found = probeSlice(this.hashes, this.lens, this.keyAt, this.chars, this.mask, s, i, j, h);
    if (found >= 0) return found;
    this.pending = ~found;
    this.pendingHash = h;
    return -1;
  }

  /** For a found slot: the id when the value is a single token, else -1 (read it with values()). */
  single(slot: number): number {
    return this.val[slot];
  }

  /** For a found multi-token slot: [offset, length] into pool(). */
  runOf(slot: number): number {
    return -1 - this.val[slot];
  }
  runLen(slot: number): number {
    return this.valLen[slot];
  }
  pool(): Uint32Array {
    return this.ids;
  }

  /** Store the value of s[i, j) right after a find() that missed. */
  set(s: string, i: number, j: number, value: number | Uint32Array): void {
    const len = j - i;
    if (this.count >= this.maxEntries) {
      this.clear();
      this.find(s, i, j);
    }
    if (this.nChars + len > this.chars.length) this.chars = grow16(this.chars, this.nChars + len);
    const slot = this.pending;
    const at = this.nChars;
    for (let k = 0; k < len; k++) this.chars[at + k] = s.charCodeAt(i + k);
    this.nChars += len;
    this.hashes[slot] = this.pendingHash;
    this.lens[slot] = len;
    this.keyAt[slot] = at;
    if (typeof value === "number") {
      this.val[slot] = value;
      this.valLen[slot] = 1;
    } else {
      if (this.nIds + value.length > this.ids.length) this.ids = grow32(this.ids, this.nIds + value.length);
      this.ids.set(value, this.nIds);
      this.val[slot] = -1 - this.nIds;
      this.valLen[slot] = value.length;
      this.nIds += value.length;
    }
    this.count++;
  }

  clear(): void {
    this.lens.fill(0);
    this.nChars = 0;
    this.nIds = 0;
    this.count = 0;
  }
}

function grow32(a: Uint32Array, min: number): Uint32Array {
  const b = new Uint32Array(Math.max(min, a.length * 2));
  b.set(a);
  return b;
}
