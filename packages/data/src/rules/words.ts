// Fast word scanning over normalized text for hashing rules (exact dedup, MinHash, decontamination, Gopher):
// words = runs of letters/digits/marks (any script), everything else is a separator; each code unit is lowercased
// on its own (ASCII by arithmetic, the rest through a lazily filled table), and words are hashed on the fly
// (FNV-1a, 32-bit) without allocating strings or a lowercased copy of the text.

// 0 = unknown, 1 = word char, 2 = separator; filled lazily for non-ASCII code units.
const cls = new Uint8Array(65536);
for (let c = 0; c < 128; c++) cls[c] = (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) ? 1 : 2;
const wordRe = /[\p{L}\p{N}\p{M}]/u;
// Lowercase of each non-ASCII code unit (0 = not computed yet). A code unit whose lowercase is longer than one
// unit (U+0130 İ) or context-dependent (final sigma) maps to its single-unit lowercase or itself.
const lowerTable = new Uint16Array(65536);

function classOf(c: number): number {
  let k = cls[c]!;
  if (k === 0) {
    // Surrogate halves (emoji, rare CJK) count as word chars: they are letters or symbols we keep distinct.
    k = (c >= 0xd800 && c <= 0xdfff) || wordRe.test(String.fromCharCode(c)) ? 1 : 2;
    cls[c] = k;
  }
  return k;
}

function lowerOf(c: number): number {
  let l = lowerTable[c]!;
  if (l === 0) {
    const s = String.fromCharCode(c).toLowerCase();
    l = s.length === 1 ? s.charCodeAt(0) : c;
    lowerTable[c] = l;
  }
  return l;
}

/** Reusable growable buffer of word hashes. */
export class WordHashes {
  hashes = new Int32Array(1024); // (W) FNV-1a hash per word
  starts = new Int32Array(1024); // (W) start offset of each word in the text
  ends = new Int32Array(1024); // (W) end offset (exclusive)
  count = 0;
  text = "";

  /** Scan text; afterwards hashes[0..count) hold one hash per (lowercased) word. */
  scan(text: string): this {
    this.text = text;
    let count = 0;
    let h = 0;
    let inWord = false;
    let start = 0;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      let c = text.charCodeAt(i);
      if (c < 128) {
        if (cls[c] !== 1) {
          if (inWord) {
            inWord = false;
            count = this.push(count, h, start, i);
          }
          continue;
        }
        if (c <= 90 && c >= 65) c += 32;
      } else {
        if (classOf(c) !== 1) {
          if (inWord) {
            inWord = false;
            count = this.push(count, h, start, i);
          }
          continue;
        }
        c = lowerOf(c);
      }
      if (!inWord) {
        inWord = true;
        h = 0x811c9dc5 | 0;
        start = i;
      }
      h = Math.imul(h ^ c, 0x01000193);
    }
    if (inWord) count = this.push(count, h, start, n);
    this.count = count;
    return this;
  }

  /** The i-th word as a lowercase string (for reports and exact dedup). */
  word(i: number): string {
    return this.text.slice(this.starts[i], this.ends[i]).toLowerCase();
  }

  private push(count: number, h: number, start: number, end: number): number {
    if (count === this.hashes.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.hashes = grow(this.hashes);
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
    }
    this.hashes[count] = h;
    this.starts[count] = start;
    this.ends[count] = end;
    return count + 1;
  }
}

/** murmur3 finalizer: a well-mixed 32-bit value. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Hash of the n words starting at i, as a 52-bit integer-valued number (two independent 32-bit mixes, the first
 * truncated to 20 bits), usable as a Map/Set key with negligible collisions at corpus scale.
 */
export function ngramKey(w: Int32Array, i: number, n: number): number {
  let a = 0x9747b28c | 0;
  let b = 0x1b873593 | 0;
  for (let j = 0; j < n; j++) {
    const x = w[i + j]!;
    a = Math.imul((a << 5) | (a >>> 27), 0x9e3779b1) ^ x;
    b = Math.imul(b ^ x, 0x85ebca77) + 0x27d4eb2f;
    b = (b << 13) | (b >>> 19);
  }
  return (fmix32(a) & 0xfffff) * 4294967296 + fmix32(b);
}

/** Normalized text for exact hashing: lowercase words joined by single spaces. */
export function normalizedWords(text: string, w: WordHashes = new WordHashes()): string {
  w.scan(text);
  const parts: string[] = new Array(w.count);
  for (let i = 0; i < w.count; i++) parts[i] = w.word(i);
  return parts.join(" ");
}
