// The 13-gram overlap check of lm-evaluation-harness's decontamination (lm_eval/decontamination/janitor.py): text is
// lowercased, stripped of ASCII punctuation and split on whitespace; a test text is contaminated when any of its word
// 13-grams also occurs in the training texts. N-grams are stored as 64-bit hashes in an open-addressing table.

/** Bad input to the n-gram index: where, what is wrong, and how to fix it. */
export class NgramIndexError extends Error {
  override readonly name = "NgramIndexError";
  constructor(
    readonly where: string,
    readonly problem: string,
    readonly hint: string,
  ) {
    super(`NgramIndex: ${where}: ${problem}. Hint: ${hint}`);
  }
}

/** Python's string.punctuation, which the harness's Janitor deletes before splitting into words. */
const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;
const WHITESPACE = /\s+/;

/**
 * The words of a text as the harness's Janitor sees them: lowercased (all of Unicode here; the harness folds ASCII
 * only), ASCII punctuation deleted (so "don't" is "dont"), split on whitespace.
 */
export function normalizeForNgrams(text: string): string[] {
  return text.toLowerCase().replace(PUNCTUATION, "").split(WHITESPACE).filter((w) => w.length > 0);
}

/** Two independent 32-bit hashes of each word (FNV-1a and a murmur-style mix over UTF-16 units). */
function hashWords(words: readonly string[]): { h1: Uint32Array; h2: Uint32Array } {
  const h1 = new Uint32Array(words.length); // (W)
  const h2 = new Uint32Array(words.length); // (W)
  words.forEach((w, i) => {
    let a = 0x811c9dc5;
    let b = 0x9747b28c ^ w.length;
    for (let k = 0; k < w.length; k++) {
      const c = w.charCodeAt(k);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 13;
    }
    h1[i] = a;
    h2[i] = b;
  });
  return { h1, h2 };
}

/** murmur3's 32-bit finalizer: every input bit affects every output bit. */
function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Calls `visit(hi, lo, start)` with the 64-bit hash of each n-gram of `words`, in order; stops when it returns true.
 * Each half chains its word hashes through rotate-xor-multiply, so order matters ("a b" and "b a" differ).
 */
function forEachNgramHash(words: readonly string[], n: number, visit: (hi: number, lo: number, start: number) => boolean): void {
  if (words.length < n) return;
  const { h1, h2 } = hashWords(words);
  for (let i = 0; i + n <= words.length; i++) {
    let a = 0x243f6a88;
    let b = 0x85a308d3;
    for (let j = i; j < i + n; j++) {
      a = Math.imul(((a << 5) | (a >>> 27)) ^ h1[j], 0x9e3779b1);
      b = Math.imul(((b << 7) | (b >>> 25)) ^ h2[j], 0x85ebca6b);
    }
    const hi = fmix32(a);
    let lo = fmix32(b);
    if (hi === 0 && lo === 0) lo = 1; // (0, 0) marks an empty slot
    if (visit(hi, lo, i)) return;
  }
}

const INITIAL_CAPACITY = 1 << 16;

/** A set of word n-grams of training texts, held as 64-bit hashes (8 bytes a slot, at most half full). */
export class NgramIndex {
  #slots: Uint32Array = new Uint32Array(2 * INITIAL_CAPACITY); // (capacity, 2): hash high, low; (0, 0) = empty
  #mask = INITIAL_CAPACITY - 1;
  #size = 0;

  private constructor(readonly n: number) {}

  /** Distinct n-grams held (as distinct 64-bit hashes: a test n-gram falsely matches with odds size / 2^64). */
  get size(): number {
    return this.#size;
  }

  /** Indexes every n-gram of every text; n-grams do not cross from one text into the next. */
  static async build(texts: AsyncIterable<string> | Iterable<string>, n = 13): Promise<NgramIndex> {
    if (!Number.isInteger(n) || n < 1) throw new NgramIndexError("n", `expected a positive integer, got ${n}`, "the harness uses 13-grams");
    const index = new NgramIndex(n);
    let i = 0;
    for await (const text of texts) {
      if (typeof text !== "string") throw new NgramIndexError(`texts[${i}]`, `expected a string, got ${typeof text}`, "pass the documents' text fields");
      forEachNgramHash(normalizeForNgrams(text), n, (hi, lo) => {
        index.#insert(hi, lo);
        return false;
      });
      i++;
    }
    return index;
  }

  /** True when `text` shares at least one n-gram (after normalization) with the indexed texts. */
  overlaps(text: string): boolean {
    return this.firstOverlap(text) !== null;
  }

  /** The first shared n-gram of `text`, as its normalized words joined by spaces, or null when none is shared. */
  firstOverlap(text: string): string | null {
    const words = normalizeForNgrams(text);
    let found: string | null = null;
    forEachNgramHash(words, this.n, (hi, lo, start) => {
      if (!this.#has(hi, lo)) return false;
      found = words.slice(start, start + this.n).join(" ");
      return true;
    });
    return found;
  }

  #has(hi: number, lo: number): boolean {
    const s = this.#slots;
    for (let i = hi & this.#mask; ; i = (i + 1) & this.#mask) {
      const a = s[2 * i];
      const b = s[2 * i + 1];
      if (a === hi && b === lo) return true;
      if (a === 0 && b === 0) return false;
    }
  }

  #insert(hi: number, lo: number): void {
    const s = this.#slots;
    for (let i = hi & this.#mask; ; i = (i + 1) & this.#mask) {
      const a = s[2 * i];
      const b = s[2 * i + 1];
      if (a === hi && b === lo) return;
      if (a === 0 && b === 0) {
        s[2 * i] = hi;
        s[2 * i + 1] = lo;
        if (++this.#size * 2 > this.#mask + 1) this.#grow();
        return;
      }
    }
  }

  /** Doubles the table and reinserts every hash (linear probing keeps lookups short at load <= 1/2). */
  #grow(): void {
    const old = this.#slots;
    const capacity = 2 * (this.#mask + 1);
    this.#slots = new Uint32Array(2 * capacity);
    this.#mask = capacity - 1;
    for (let k = 0; k < old.length; k += 2) {
      const hi = old[k];
      const lo = old[k + 1];
      if (hi === 0 && lo === 0) continue;
      let i = hi & this.#mask;
      while (this.#slots[2 * i] !== 0 || this.#slots[2 * i + 1] !== 0) i = (i + 1) & this.#mask;
      this.#slots[2 * i] = hi;
      this.#slots[2 * i + 1] = lo;
    }
  }
}
