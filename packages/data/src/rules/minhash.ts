// MinHash LSH near-duplicate detection. K = bands × rows hash functions; each is h_k(x) = a_k·x + b_k (mod 2^32)
// over a well-mixed 32-bit shingle hash x, so the hot loop is one Math.imul, one add and one compare per
// (shingle, k) on Int32Arrays. A band's key is a 64-bit hash of its rows (two int32s); documents sharing any band key are
// candidates; streaming, the first document of a cluster is kept.
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
  /** Shingles in the last signature (0 means the document had fewer words than ngram). */
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
   * bijective hash is a valid min-wise order, and signed int32 stays in V8's small-integer fast path (uint32
   * values >= 2^31 would become heap doubles). Documents shorter than ngram words use one shingle of all words.
   */
  signature(text: string, out: Int32Array): Int32Array {
    const w = this.words.scan(text);
    const hs = w.hashes;
    const n = w.count;
    const g = Math.min(this.p.ngram, Math.max(1, n));
    const m = n >= g ? n - g + 1 : 0;
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
    // Four hash functions per pass over the shingles: each xs[i] load feeds four multiply-adds.
    let t = 0;
    for (; t + 4 <= k; t += 4) {
      const a0 = a[t]!, a1 = a[t + 1]!, a2 = a[t + 2]!, a3 = a[t + 3]!;
      const b0 = b[t]!, b1 = b[t + 1]!, b2 = b[t + 2]!, b3 = b[t + 3]!;
      let m0 = 0x7fffffff, m1 = 0x7fffffff, m2 = 0x7fffffff, m3 = 0x7fffffff;
      for (let i = 0; i < m; i++) {
        const x = xs[i]!;
        const v0 = (Math.imul(a0, x) + b0) | 0;
        const v1 = (Math.imul(a1, x) + b1) | 0;
        const v2 = (Math.imul(a2, x) + b2) | 0;
        const v3 = (Math.imul(a3, x) + b3) | 0;
        if (v0 < m0) m0 = v0;
        if (v1 < m1) m1 = v1;
        if (v2 < m2) m2 = v2;
        if (v3 < m3) m3 = v3;
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
      for (let i = 0; i < m; i++) {
        const v = (Math.imul(at, xs[i]!) + bt) | 0;
        if (v < min) min = v;
      }
      out[t] = min;
    }
    this.shingles = m;
    return out;
  }

  /** Band keys of a signature: two independent 32-bit hashes per band (a 64-bit key), seeded by the band index. */
  bandKeys(sig: Int32Array, hi: Int32Array, lo: Int32Array): void {
    const r = this.p.rows;
    for (let band = 0; band < this.p.bands; band++) {
      let h1 = (0x7f4a7c15 + Math.imul(band, 0x61c88647)) | 0;
      let h2 = (0x2f7a9e3b ^ Math.imul(band, 0x9e3779b1)) | 0;
      for (let j = 0; j < r; j++) {
        const v = sig[band * r + j]!;
        h1 = Math.imul(h1 ^ v, 0x01000193);
        h2 = Math.imul((h2 << 7) | (h2 >>> 25), 0x85ebca77) ^ v;
      }
      hi[band] = fmix32(h1) | 0;
      lo[band] = fmix32(h2 ^ 0x5bd1e995) | 0;
    }
  }
}

/**
 * Open-addressing table from 64-bit keys (two int32 halves) to document indices, for all bands at once (each
 * band's keys are seeded differently). One interleaved Int32Array [hi, lo, doc+1] per slot, so a probe touches
 * one cache line; ~3x faster than a Map of double keys on short documents.
 */
class BucketTable {
  private slots = new Int32Array(3 << 18); // (cap, 3): hi, lo, document index + 1 (0 = empty)
  private mask = (1 << 18) - 1;
  private size = 0;

  /** The document stored under (h, l), or -1 after storing doc there. */
  getOrSet(h: number, l: number, doc: number): number {
    if (2 * (this.size + 1) > this.mask + 1) this.grow();
    const s = this.slots;
    let i = (h ^ Math.imul(l, 0x27d4eb2f)) & this.mask;
    for (;;) {
      const o = i * 3;
      const v = s[o + 2]!;
      if (v === 0) {
        s[o] = h;
        s[o + 1] = l;
        s[o + 2] = doc + 1;
        this.size++;
        return -1;
      }
      if (s[o] === h && s[o + 1] === l) return v - 1;
      i = (i + 1) & this.mask;
    }
  }

  private grow(): void {
    const old = this.slots;
    const cap = (this.mask + 1) * 4; // x4: fewer rehashes on big corpora
    this.slots = new Int32Array(cap * 3);
    this.mask = cap - 1;
    this.size = 0;
    for (let o = 0; o < old.length; o += 3) if (old[o + 2] !== 0) this.getOrSet(old[o]!, old[o + 1]!, old[o + 2]! - 1);
  }
}

/** Fraction of equal positions: an unbiased estimate of the Jaccard similarity of the two shingle sets. */
export function estimateJaccard(x: Int32Array, y: Int32Array): number {
  let eq = 0;
  for (let i = 0; i < x.length; i++) if (x[i] === y[i]) eq++;
  return eq / x.length;
}

/**
 * Streaming LSH index: check() returns the index of an earlier document sharing a band bucket (or -1), then
 * records this document's buckets, so clusters chain through removed documents too (A ~ B ~ C removes B and C).
 * Signatures are kept (K × 4 bytes per document) to report an estimated Jaccard for each removal.
 */
export class LshIndex {
  private readonly table = new BucketTable();
  private readonly hi: Int32Array; // (B)
  private readonly lo: Int32Array; // (B)
  private readonly sigChunks: Int32Array[] = [];
  private static readonly chunkDocs = 4096;
  size = 0;

  constructor(readonly hasher: MinHasher) {
    this.hi = new Int32Array(hasher.p.bands);
    this.lo = new Int32Array(hasher.p.bands);
  }

  /** Add a signature; returns the earliest matching document index, or -1 if it is new. */
  add(sig: Int32Array): number {
    this.hasher.bandKeys(sig, this.hi, this.lo);
    let match = -1;
    const id = this.size;
    for (let band = 0; band < this.hi.length; band++) {
      const prev = this.table.getOrSet(this.hi[band]!, this.lo[band]!, id);
      if (prev >= 0 && (match < 0 || prev < match)) match = prev;
    }
    const k = this.hasher.k;
    const c = Math.floor(id / LshIndex.chunkDocs);
    if (c === this.sigChunks.length) this.sigChunks.push(new Int32Array(LshIndex.chunkDocs * k));
    this.sigChunks[c]!.set(sig, (id % LshIndex.chunkDocs) * k);
    this.size++;
    return match;
  }

  /** The stored signature of document i. */
  signatureOf(i: number): Int32Array {
    const k = this.hasher.k;
    const o = (i % LshIndex.chunkDocs) * k;
    return this.sigChunks[Math.floor(i / LshIndex.chunkDocs)]!.subarray(o, o + k);
  }
}
