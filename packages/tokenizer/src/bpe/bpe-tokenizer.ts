// Byte-level BPE tokenizer: split text by specials, pre-tokenize with the split regex, then merge each chunk's bytes
// by rank. Chunk results are cached (most chunks of natural text repeat). Also serves the "byte" kind (no merges).
//
// Ranks: a merge (a, b) -> c has a priority; lowest first, leftmost on ties. Two conventions exist:
// "index" (HF / trained: the merge list order) and "result" (tiktoken: the id of c, with every split (a, b) of c whose
// parts are tokens counting as a merge). Both are packed into one number: rank * 2^21 + result.
import { TokenIdError, TokenizerConfigError } from "../errors.ts";
import { IdBuffer } from "../ids.ts";
import { makeSplitter, type Splitter } from "../split.ts";
import { StreamDecoder, decodeUtf8, type EncodeOptions, type Tokenizer, type TokenizerKind } from "../tokenizer.ts";
import { bytesKey, utf8Into } from "../utf8.ts";
import { SpecialMatcher, type SpecialToken } from "./specials.ts";
import { PairTable } from "./pair-table.ts";
import { ChunkCache } from "./chunk-cache.ts";

export const ID_LIMIT = 1 << 21; // ids must be below 2^21 (2,097,152)

export interface BpeSpec {
  readonly kind?: "bpe" | "byte";
  /** Split regex (a preset's pattern or a custom one). */
  readonly pattern: string;
  /** id -> bytes; null for ids held by specials or unused. Every single byte must appear. */
  readonly vocab: readonly (Uint8Array | null)[];
  /** Merges in priority order as [left id, right id]; with ranks "result" this may be empty (derived from vocab). */
  readonly merges: readonly (readonly [number, number])[];
  readonly ranks: "index" | "result";
  readonly specials: readonly SpecialToken[];
}

export interface BpeOptions {
  /** Chunks kept in the encode cache before it is cleared. @default 65536 */
  readonly cacheSize?: number;
  /** Chunks longer than this many bytes merge with a heap (O(n log n)) instead of the quadratic scan. @default 128 */
  readonly longChunk?: number;
}


export class BpeTokenizer implements Tokenizer {
  readonly kind: TokenizerKind;
  readonly vocabSize: number;
  readonly specials: readonly SpecialToken[];
  readonly spec: BpeSpec;
  private readonly bytes: (Uint8Array | null)[];
  private readonly byteToId = new Int32Array(256);
  private readonly pairs: PairTable;
  private readonly split: Splitter;
  private readonly matcher: SpecialMatcher;
  private readonly cache: ChunkCache;
  private readonly long: number;
  private scratchBytes = new Uint8Array(1024);
  private parts = new Int32Array(1024);
  private ranks = new Float64Array(1024);

  constructor(spec: BpeSpec, opts: BpeOptions = {}) {
    this.spec = spec;
    this.kind = spec.kind ?? "bpe";
    this.specials = spec.specials;
    this.cache = new ChunkCache(opts.cacheSize ?? 65536);
    this.long = opts.longChunk ?? 128;
    let size = spec.vocab.length;
    for (const s of spec.specials) size = Math.max(size, s.id + 1);
    if (size > ID_LIMIT) throw new TokenizerConfigError("/vocab", size, `keep the vocabulary under ${ID_LIMIT} ids`, "vocabulary too large");
    this.vocabSize = size;
    this.bytes = new Array(size).fill(null);
    const byKey = new Map<string, number>();
    this.byteToId.fill(-1);
    spec.vocab.forEach((b, id) => {
      if (b === null) return;
      this.bytes[id] = b;
      byKey.set(bytesKey(b), id);
      if (b.length === 1 && this.byteToId[b[0]] < 0) this.byteToId[b[0]] = id;
    });
    const missing = this.byteToId.indexOf(-1);
    if (missing >= 0) throw new TokenizerConfigError("/vocab", missing, "a byte-level vocabulary holds all 256 single bytes", "byte missing from the base vocabulary");
    for (const s of spec.specials) this.bytes[s.id] = new TextEncoder().encode(s.content);
    this.pairs = new PairTable(Math.max(1024, spec.merges.length * 2));
    if (spec.ranks === "index") {
      spec.merges.forEach(([a, b], rank) => {
        const ba = this.bytes[a], bb = this.bytes[b];
        if (!ba || !bb) throw new TokenizerConfigError(`/merges/${rank}`, [a, b], "merge parts must be ids of ordinary tokens", "merge refers to an unknown token");
        const c = byKey.get(bytesKey(ba) + bytesKey(bb));
        if (c === undefined) throw new TokenizerConfigError(`/merges/${rank}`, [a, b], "the vocabulary must hold every merge result", "merge result missing from the vocabulary");
        if (this.pairs.get(a, b) < 0) this.pairs.set(a, b, rank * ID_LIMIT + c);
      });
    } else {
      // tiktoken: any split of a token into two tokens is a merge, ranked by the token's id.
      spec.vocab.forEach((b, id) => {
        if (b === null || b.length < 2) return;
        const key = bytesKey(b);
        for (let k = 1; k < key.length; k++) {
          const l = byKey.get(key.slice(0, k));
          if (l === undefined) continue;
          const r = byKey.get(key.slice(k));
          if (r !== undefined && this.pairs.get(l, r) < 0) this.pairs.set(l, r, id * ID_LIMIT + id);
        }
      });
    }
    this.split = makeSplitter(spec.pattern);
    this.matcher = new SpecialMatcher(spec.specials);
  }

  specialId(content: string): number | undefined {
    return this.matcher.id(content);
  }

  encode(text: string, opts?: EncodeOptions): Uint32Array {
    const out = new IdBuffer(Math.max(16, text.length >> 2));
    this.encodeInto(text, out, opts);
    return out.toArray();
  }

  encodeBatch(texts: readonly string[], opts?: EncodeOptions): Uint32Array[] {
    const out = new IdBuffer(4096);
    return texts.map((t) => {
      out.clear();
      this.encodeInto(t, out, opts);
      return out.toArray();
    });
  }

  /** Appends the ids of text to out (the allocation-free form of encode). */
  encodeInto(text: string, out: IdBuffer, opts?: EncodeOptions): void {
    if (opts?.specials === "none" || this.specials.length === 0) {
      this.encodeOrdinary(text, 0, text.length, out);
      return;
    }
    this.matcher.scan(
      text,
      (start, end) => this.encodeOrdinary(start === 0 && end === text.length ? text : text.slice(start, end), 0, end - start, out),
      (id) => out.push(id),
    );
  }

  private encodeOrdinary(s: string, start: number, end: number, out: IdBuffer): void {
    if (this.kind === "byte") {
      const n = this.toBytes(s, start, end);
      for (let i = 0; i < n; i++) out.push(this.byteToId[this.scratchBytes[i]]);
      return;
    }
    const split = this.split;
    const cache = this.cache;
    let i = start;
    while (i < end) {
      const j = split(s, i);
      const slot = cache.find(s, i, j);
      if (slot >= 0) {
        const v = cache.single(slot);
        if (v >= 0) {
          if (out.length === out.data.length) out.grow(out.length + 1);
          out.data[out.length++] = v;
        } else {
          const at = cache.runOf(slot), n = cache.runLen(slot), pool = cache.pool();
          if (out.length + n > out.data.length) out.grow(out.length + n);
          const data = out.data;
          for (let k = 0; k < n; k++) data[out.length + k] = pool[at + k];
          out.length += n;
        }
      } else {
        const r = this.mergeChunk(s, i, j);
        cache.set(s, i, j, r);
        if (typeof r === "number") out.push(r);
        else out.pushAll(r);
      }
      i = j;
    }
  }

  private toBytes(s: string, start: number, end: number): number {
    if (this.scratchBytes.length < 3 * (end - start)) this.scratchBytes = new Uint8Array(6 * (end - start));
    return utf8Into(s, start, end, this.scratchBytes);
  }

  /** BPE on one chunk: its ids, or the single id when it is one token. */
  private mergeChunk(s: string, start: number, end: number): number | Uint32Array {
    const n = this.toBytes(s, start, end);
    const bytes = this.scratchBytes;
    if (n === 1) return this.byteToId[bytes[0]];
    if (n > this.long) return this.mergeLong(n);
    if (this.parts.length < n) {
      this.parts = new Int32Array(2 * n);
      this.ranks = new Float64Array(2 * n);
    }
    const parts = this.parts; // (n) current token ids
    const ranks = this.ranks; // (n - 1) packed rank of (parts[i], parts[i+1]), Infinity when no merge
    const pairs = this.pairs;
    for (let i = 0; i < n; i++) parts[i] = this.byteToId[bytes[i]];
    for (let i = 0; i < n - 1; i++) ranks[i] = pairs.value(parts[i], parts[i + 1]);
    let len = n;
    while (len > 1) {
      let min = Infinity;
      let at = -1;
      for (let i = 0; i < len - 1; i++) {
        if (ranks[i] < min) {
          min = ranks[i];
          at = i;
        }
      }
      if (at < 0) break;
      parts[at] = min % ID_LIMIT;
      for (let i = at + 1; i < len - 1; i++) {
        parts[i] = parts[i + 1];
        ranks[i] = ranks[i + 1];
      }
      len--;
      ranks[at] = at + 1 < len ? pairs.value(parts[at], parts[at + 1]) : Infinity;
      if (at > 0) ranks[at - 1] = pairs.value(parts[at - 1], parts[at]);
    }
    if (len === 1) return parts[0];
    return Uint32Array.from(parts.subarray(0, len));
  }

  /** BPE on a long chunk: a linked list of parts and a min-heap of (rank, position), stale entries skipped. */
  private mergeLong(n: number): Uint32Array {
    const bytes = this.scratchBytes;
    const pairs = this.pairs;
    const id = new Int32Array(n); // (n) token id at each live position
    const next = new Int32Array(n); // (n) next live position or -1
    const prev = new Int32Array(n);
    const heapV = new Float64Array(2 * n); // packed rank
    const heapP = new Int32Array(2 * n); // left position
    let size = 0;
    const less = (i: number, j: number) => heapV[i] < heapV[j] || (heapV[i] === heapV[j] && heapP[i] < heapP[j]);
    const swap = (i: number, j: number) => {
      const v = heapV[i]; heapV[i] = heapV[j]; heapV[j] = v;
      const p = heapP[i]; heapP[i] = heapP[j]; heapP[j] = p;
    };
    const push = (v: number, p: number) => {
      if (v === Infinity) return;
      let i = size++;
      heapV[i] = v; heapP[i] = p;
      while (i > 0) {
        const up = (i - 1) >> 1;
        if (!less(i, up)) break;
        swap(i, up);
        i = up;
      }
    };
    const pop = () => {
      swap(0, --size);
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < size && less(l, m)) m = l;
        if (r < size && less(r, m)) m = r;
        if (m === i) break;
        swap(i, m);
        i = m;
      }
    };
    for (let i = 0; i < n; i++) {
      id[i] = this.byteToId[bytes[i]];
      next[i] = i + 1 < n ? i + 1 : -1;
      prev[i] = i - 1;
    }
    for (let i = 0; i + 1 < n; i++) push(pairs.value(id[i], id[i + 1]), i);
    let live = n;
    while (size > 0) {
      const v = heapV[0], p = heapP[0];
      pop();
      const q = next[p];
      if (id[p] < 0 || q < 0 || pairs.value(id[p], id[q]) !== v) continue; // stale
      id[p] = v % ID_LIMIT;
      id[q] = -1;
      const qn = next[q];
      next[p] = qn;
      if (qn >= 0) prev[qn] = p;
      live--;
      if (qn >= 0) push(pairs.value(id[p], id[qn]), p);
      if (prev[p] >= 0) push(pairs.value(id[prev[p]], id[p]), prev[p]);
    }
    const out = new Uint32Array(live);
    for (let p = 0, k = 0; p >= 0; p = next[p]) out[k++] = id[p];
    return out;
  }

  tokenBytes(id: number): Uint8Array {
    const b = id >= 0 && id < this.vocabSize ? this.bytes[id] : null;
    if (b === null) throw new TokenIdError(id, 0, this.vocabSize);
    return b;
  }

  decodeBytes(ids: ArrayLike<number>): Uint8Array {
    let n = 0;
    for (let i = 0; i < ids.length; i++) {
      const b = ids[i] >= 0 && ids[i] < this.vocabSize ? this.bytes[ids[i]] : null;
      if (b === null) throw new TokenIdError(ids[i], i, this.vocabSize);
      n += b.length;
    }
    const out = new Uint8Array(n);
    for (let i = 0, o = 0; i < ids.length; i++) {
      const b = this.bytes[ids[i]]!;
      out.set(b, o);
      o += b.length;
    }
    return out;
  }

  decode(ids: ArrayLike<number>): string {
    return decodeUtf8(this.decodeBytes(ids));
  }

  streamDecoder(): StreamDecoder {
    return new StreamDecoder(this);
  }

  /** Merges in rank order as [a, b, result] (for tiktoken-ranked vocabularies: every split, by result id). */
  mergeList(): [number, number, number][] {
    return this.pairs.entries().sort((x, y) => x[3] - y[3] || x[0] - y[0] || x[1] - y[1]).map(([a, b, c]) => [a, b, c]);
  }
}
