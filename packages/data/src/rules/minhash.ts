// MinHash LSH near-duplicate detection. K = bands × rows hash functions; each is h_k(x) = a_k·x + b_k (mod 2^32)
// over a well-mixed 32-bit shingle hash x, so the hot loop is one Math.imul, one add and one Math.min per
// (shingle, k) on Int32Arrays. Documents whose signatures agree on all rows of any band are candidates (LSH);
// streaming, the first document of a cluster is kept.
import { fmix32, WordHashes } from "./words.ts";

export interface MinHashParams {
  readonly ngram: number;
  readonly bands: number;
  readonly rows: number;
  readonly seed: number;
}

/** splitmix32: a small deterministic PRNG for the hash coefficients. */
function splitmix32(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x9e3779b9) | 0;
    return fmix32(s);
  };
}

export class MinHasher {
  readonly k: number;
  private readonly a: Int32Array; // (K) odd multipliers
  private readonly b: Int32Array; // (K) offsets
  private shingleBuf = new Int32Array(4096); // (S) grows to the longest document
  private readonly words = new WordHashes();
  /** Shingles in the last signature (0 means the document had no words). */
  shingles = 0;

  constructor(readonly p: MinHashParams) {
    this.k = p.bands * p.rows;
    const rnd = splitmix32(p.seed * 0x2545f491 + 0x6a09e667);
    this.a = new Int32Array(this.k);
    this.b = new Int32Array(this.k);
    for (let i = 0; i < this.k; i++) {
      this.a[i] = rnd() | 1;
      this.b[i] = rnd() | 0;
    }
  }

  /**
   * Signature of text into out (K values). Values are compared as signed int32: any fixed total order on a
   * bijective hash is a valid min-wise order, and signed int32 stays in the engine's small-integer fast path.
   * Shingles are the ngram-word windows; a document with 1..ngram-1 words is one shingle of all its words (so two
   * such documents match only when their words are equal); a document with no words has no shingles, its
   * signature is all 0x7fffffff and `shingles` is 0 (callers skip it).
   */
  signature(text: string, out: Int32Array): Int32Array {
    const w = this.words.scan(text);
    const hs = w.hashes;
    const n = w.count;
    const g = Math.min(this.p.ngram, n);
    const m = n === 0 ? 0 : n - g + 1;
    if (this.shingleBuf.length < m) this.shingleBuf = new Int32Array(Math.max(m, this.shingleBuf.length * 2));
    const xs = this.shingleBuf; // (S) mixed shingle hashes
    for (let i = 0; i < m; i++) {
      let h = 0x3c6ef372 | 0;
      for (let j = 0; j < g; j++) h = Math.imul((h << 5) | (h >>> 27), 0x9e3779b1) ^ hs[i + j]!;
      xs[i] = fmix32(h) | 0;
    }
    const k = this.k;
    const a = this.a;
    const b = this.b;
    // Four hash functions per pass over the shingles: each xs[i] load feeds four multiply-adds. Math.min (a
    // conditional move) rather than `if (v < m) m = v`: on short documents the running minimum changes often, the
    // branch mispredicts, and the loop measured ~3x slower that way.
    let t = 0;
    for (; t + 4 <= k; t += 4) {
      const a0 = a[t]!, a1 = a[t + 1]!, a2 = a[t + 2]!, a3 = a[t + 3]!;
      const b0 = b[t]!, b1 = b[t + 1]!, b2 = b[t + 2]!, b3 = b[t + 3]!;
      let m0 = 0x7fffffff, m1 = 0x7fffffff, m2 = 0x7fffffff, m3 = 0x7fffffff;
      for (let i = 0; i < m; i++) {
        const x = xs[i]!;
        m0 = Math.min(m0, (Math.imul(a0, x) + b0) | 0);
        m1 = Math.min(m1, (Math.imul(a1, x) + b1) | 0);
        m2 = Math.min(m2, (Math.imul(a2, x) + b2) | 0);
        m3 = Math.min(m3, (Math.imul(a3, x) + b3) | 0);
      }
      out[t] = m0;
      out[t + 1] = m1;
      out[t + 2] = m2;
      out[t + 3] = m3;
    }
    for (; t < k; t++) {
      const at = a[t]!;
      const bt = b[t]!;
      let min = 0x7fffffff;
      for (let i = 0; i < m; i++) min = Math.min(min, (Math.imul(at, xs[i]!) + bt) | 0);
      out[t] = min;
    }
    this.shingles = m;
    return out;
  }

  /** Band keys of a signature into keys (B values): a 32-bit hash of each band's rows, seeded by the band index. */
  bandKeys(sig: Int32Array, keys: Int32Array): void {
    const r = this.p.rows;
    for (let band = 0; band < this.p.bands; band++) {
      let h = (0x7f4a7c15 + Math.imul(band, 0x61c88647)) | 0;
      for (let j = 0; j < r; j++) h = Math.imul((h << 13) | (h >>> 19), 0x85ebca77) ^ sig[band * r + j]!;
      keys[band] = fmix32(h ^ r) | 0;
    }
  }
}

/** True when some band of x and y has all its rows equal: the LSH candidate condition, by definition. */
export function sharesBand(x: Int32Array, y: Int32Array, bands: number, rows: number): boolean {
  for (let band = 0; band < bands; band++) {
    let j = band * rows;
    const end = j + rows;
    while (j < end && x[j] === y[j]) j++;
    if (j === end) return true;
  }
  return false;
}

/** Fraction of equal positions: an unbiased estimate of the Jaccard similarity of the two shingle sets. */
export function estimateJaccard(x: Int32Array, y: Int32Array): number {
  let eq = 0;
  for (let i = 0; i < x.length; i++) if (x[i] === y[i]) eq++;
  return eq / x.length;
}

/**
 * Streaming LSH index: add() returns the earliest earlier document sharing a band with this one (or -1), then
 * records this document's bands, so clusters chain through removed documents too (A ~ B ~ C removes B and C).
 *
 * One open-addressing table holds every band's entries as [32-bit band key, document + 1] pairs (8 bytes a slot,
 * linear probing, load ≤ 0.5). A key match is confirmed by comparing the band's rows in the stored signature, so
 * 32-bit key collisions never make false candidates. On short documents the cost is the B random table probes
 * per document (the table is far bigger than the caches), so add() first computes all B slot positions and touches
 * them back to back, letting the memory system fetch them in parallel, and only then resolves each probe.
 * Signatures are kept (K × 4 bytes per document) for that check and to report an estimated Jaccard per removal.
 */
export class LshIndex {
  private slots = new Int32Array(2 << 16); // (cap, 2): band key, document index + 1 (0 = empty)
  private mask = (1 << 16) - 1;
  private used = 0;
  private readonly keys: Int32Array; // (B) band keys of the document being added
  private readonly pos: Int32Array; // (B) their first probe slot
  private readonly sigChunks: Int32Array[] = []; // (D / 2^chunkBits) of (2^chunkBits, K)
  private static readonly chunkBits = 12;
  /** Sum of the touched slots; kept so the prefetching loads cannot be optimized away. */
  touched = 0;
  size = 0;

  constructor(readonly hasher: MinHasher) {
    this.keys = new Int32Array(hasher.p.bands);
    this.pos = new Int32Array(hasher.p.bands);
  }

  /** Add a signature; returns the earliest matching document index, or -1 if it is new. */
  add(sig: Int32Array): number {
    const bands = this.keys.length;
    const rows = this.hasher.p.rows;
    const k = this.hasher.k;
    const id = this.size;
    // Store the signature first: probes compare band rows against stored signatures.
    const c = id >>> LshIndex.chunkBits;
    if (c === this.sigChunks.length) this.sigChunks.push(new Int32Array(k << LshIndex.chunkBits));
    this.sigChunks[c]!.set(sig, (id & ((1 << LshIndex.chunkBits) - 1)) * k);
    this.size++;
    if (2 * (this.used + bands) > this.mask + 1) this.grow();
    this.hasher.bandKeys(sig, this.keys);
    const s = this.slots;
    const mask = this.mask;
    let touched = 0;
    for (let band = 0; band < bands; band++) {
      const p = this.keys[band]! & mask;
      this.pos[band] = p;
      touched = (touched + s[2 * p + 1]!) | 0;
    }
    this.touched = touched;
    let match = -1;
    for (let band = 0; band < bands; band++) {
      const key = this.keys[band]!;
      for (let p = this.pos[band]!; ; p = (p + 1) & mask) {
        const v = s[2 * p + 1]!;
        if (v === 0) {
          s[2 * p] = key;
          s[2 * p + 1] = id + 1;
          this.used++;
          break;
        }
        // v - 1 === id: an earlier band of this same document with a colliding key; keep probing.
        if (s[2 * p] === key && v - 1 !== id && this.sameBand(v - 1, sig, band, rows)) {
          if (match < 0 || v - 1 < match) match = v - 1;
          break;
        }
      }
    }
    return match;
  }

  /** The stored signature of document i. */
  signatureOf(i: number): Int32Array {
    const k = this.hasher.k;
    const o = (i & ((1 << LshIndex.chunkBits) - 1)) * k;
    return this.sigChunks[i >>> LshIndex.chunkBits]!.subarray(o, o + k);
  }

  private sameBand(doc: number, sig: Int32Array, band: number, rows: number): boolean {
    const stored = this.sigChunks[doc >>> LshIndex.chunkBits]!;
    const o = (doc & ((1 << LshIndex.chunkBits) - 1)) * this.hasher.k + band * rows;
    for (let j = 0; j < rows; j++) if (stored[o + j] !== sig[band * rows + j]) return false;
    return true;
  }

  /** x4 capacity (fewer rehashes on big corpora). */
  private grow(): void {
    const old = this.slots;
    const cap = (this.mask + 1) * 4;
    const s = new Int32Array(cap * 2); // (cap, 2)
    const mask = cap - 1;
    for (let o = 0; o < old.length; o += 2) {
      if (old[o + 1] === 0) continue;
      let p = old[o]! & mask;
      while (s[2 * p + 1] !== 0) p = (p + 1) & mask;
      s[2 * p] = old[o]!;
      s[2 * p + 1] = old[o + 1]!;
    }
    this.slots = s;
    this.mask = mask;
  }
}
