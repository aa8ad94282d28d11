// BPE training, in two phases:
//  1. add(text) per document: split by specials and the split regex, count chunk strings (streaming, any size).
//  2. finish(): chunks become words (byte-id arrays with a frequency); pair counts are kept incrementally, a
//     max-heap with lazy deletion picks the next merge (count desc, then smaller ids), and each merge rewrites only
//     the words that hold the pair (found through per-pair occurrence lists), updating neighbour counts by delta.
// Every pair a merge creates contains the new id, so it is new: counts only rise for new pairs, only fall for old
// ones, and a heap entry is an upper bound on its pair's count; a popped entry whose count is stale is re-pushed.
import { TokenizerConfigError } from "../errors.ts";
import { makeSplitter, type Splitter } from "../split.ts";
import { utf8Into } from "../utf8.ts";
import type { BpeSpec } from "./bpe-tokenizer.ts";
import { ChunkCounter } from "./chunk-counter.ts";
import { PairHeap } from "./heap.ts";
import { PairTable } from "./pair-table.ts";
import { SpecialMatcher } from "./specials.ts";

export interface BpeTrainOptions {
  /** Split regex pattern. */
  readonly pattern: string;
  /** Final vocabulary size: 256 bytes + merges + specials. */
  readonly vocabSize: number;
  /** Special tokens, ids assigned after the merges in this order. */
  readonly specials: readonly string[];
  /** Stop reading training text after this many characters (UTF-16 units); null = all. */
  readonly maxChars?: number | null;
  /** Called now and then during finish() with merges done. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface BpeTrainReport {
  readonly chars: number;
  readonly chunks: number;
  readonly uniqueChunks: number;
  readonly merges: number;
  /** Count of the last merge made (how rare the last token is). */
  readonly lastMergeCount: number;
  /** UTF-8 bytes and tokens of the training text under the trained merges (bytes/token = compression). */
  readonly bytes: number;
  readonly tokens: number;
}

export class BpeTrainer {
  private readonly split: Splitter;
  private readonly matcher: SpecialMatcher;
  private readonly counts = new ChunkCounter();
  private chars = 0;
  private chunks = 0;

  constructor(private readonly opts: BpeTrainOptions) {
    const need = 256 + opts.specials.length + 1;
    if (!Number.isInteger(opts.vocabSize) || opts.vocabSize < need)
      throw new TokenizerConfigError("/tokenizer/vocab_size", opts.vocabSize, `at least ${need}: 256 bytes + ${opts.specials.length} specials + 1 merge`, "vocab_size too small for bpe");
    this.split = makeSplitter(opts.pattern);
    this.matcher = new SpecialMatcher(opts.specials.map((content, id) => ({ content, id })));
  }

  /** True once max_chars characters have been read. */
  get full(): boolean {
    return this.opts.maxChars != null && this.chars >= this.opts.maxChars;
  }

  /** Count the chunks of one document. */
  add(text: string): void {
    if (this.full) return;
    const max = this.opts.maxChars;
    if (max != null && this.chars + text.length > max) text = text.slice(0, max - this.chars);
    this.chars += text.length;
    const counts = this.counts, split = this.split;
    this.matcher.scan(
      text,
      (start, end) => {
        // split each segment on its own, exactly as the encoder does
        const seg = start === 0 && end === text.length ? text : text.slice(start, end);
        for (let i = 0; i < seg.length; ) {
          const j = split(seg, i);
          counts.add(seg, i, j);
          this.chunks++;
          i = j;
        }
      },
      () => {},
    );
  }

  finish(): { spec: BpeSpec; report: BpeTrainReport } {
    const { vocabSize, specials } = this.opts;
    const nMerges = vocabSize - 256 - specials.length;

    // Words: each unique chunk as byte ids, in one flat array.
    const total = this.counts.keyChars * 3;
    const sym = new Int32Array(total); // (total bytes) token ids of all words, each word compacted in place
    const nWords = this.counts.size;
    const wStart = new Int32Array(nWords);
    const wLen = new Int32Array(nWords);
    const wFreq = new Int32Array(nWords);
    const buf = new Uint8Array(1 << 16);
    let big = buf;
    let at = 0, w = 0, bytes = 0;
    this.counts.forEach((k, f) => {
      if (big.length < k.length * 3) big = new Uint8Array(k.length * 3);
      const n = utf8Into(k, 0, k.length, big);
      wStart[w] = at;
      wLen[w] = n;
      wFreq[w] = f;
      bytes += n * f;
      for (let i = 0; i < n; i++) sym[at + i] = big[i];
      at += n;
      w++;
    });

    // Pairs: index by (a, b); count, and a linked list of words holding them (may hold stale or repeated words).
    const index = new PairTable(1 << 16);
    let cap = 1 << 16;
    let pairA = new Int32Array(cap), pairB = new Int32Array(cap);
    let pairCount = new Float64Array(cap); // (pairs) weighted count; float64 so huge corpora cannot overflow
    let pairHead = new Int32Array(cap), pairLastWord = new Int32Array(cap), pairStamp = new Int32Array(cap);
    let nPairs = 0;
    let occCap = Math.max(1024, at);
    let occWord = new Int32Array(occCap), occNext = new Int32Array(occCap);
    let nOcc = 0;
    const pairOf = (a: number, b: number): number => {
      const v = index.get(a, b);
      if (v >= 0) return v;
      if (nPairs === cap) {
        cap *= 2;
        const g = (x: Int32Array) => { const y = new Int32Array(cap); y.set(x); return y; };
        pairA = g(pairA); pairB = g(pairB);
        const pc = new Float64Array(cap); pc.set(pairCount); pairCount = pc;
        pairHead = g(pairHead); pairLastWord = g(pairLastWord); pairStamp = g(pairStamp);
      }
      const p = nPairs++;
      pairA[p] = a; pairB[p] = b; pairCount[p] = 0; pairHead[p] = -1; pairLastWord[p] = -1; pairStamp[p] = -1;
      index.set(a, b, p);
      return p;
    };
    const addOcc = (p: number, word: number): void => {
      if (pairLastWord[p] === word) return;
      pairLastWord[p] = word;
      if (nOcc === occCap) {
        occCap *= 2;
        const g = (x: Int32Array) => { const y = new Int32Array(occCap); y.set(x); return y; };
        occWord = g(occWord); occNext = g(occNext);
      }
      occWord[nOcc] = word;
      occNext[nOcc] = pairHead[p];
      pairHead[p] = nOcc++;
    };
    for (let w = 0; w < nWords; w++) {
      const s = wStart[w], e = s + wLen[w], f = wFreq[w];
      for (let i = s; i + 1 < e; i++) {
        const p = pairOf(sym[i], sym[i + 1]);
        pairCount[p] += f;
        addOcc(p, w);
      }
    }
    const heap = new PairHeap(nPairs * 2, () => pairA, () => pairB);
    for (let p = 0; p < nPairs; p++) heap.push(pairCount[p], p);

    const merges: [number, number][] = [];
    const vocab: (Uint8Array | null)[] = [];
    for (let b = 0; b < 256; b++) vocab.push(Uint8Array.of(b));
    const wordStamp = new Int32Array(nWords).fill(-1);
    let touched = new Int32Array(1024); // new pairs of this merge
    let lastCount = 0;
    let nTouched = 0, current = -1;
    /** A pair holding the new token gained f occurrences in word. */
    const inc = (x: number, y: number, f: number, word: number) => {
      const q = pairOf(x, y);
      pairCount[q] += f;
      addOcc(q, word);
      if (pairStamp[q] !== current) {
        pairStamp[q] = current;
        if (nTouched === touched.length) { const t = new Int32Array(nTouched * 2); t.set(touched); touched = t; }
        touched[nTouched++] = q;
      }
    };
    for (let m = 0; m < nMerges && heap.size > 0; ) {
      const c = heap.topCount(), p = heap.topPair();
      heap.pop();
      if (c !== pairCount[p]) {
        if (pairCount[p] > 0) heap.push(pairCount[p], p);
        continue;
      }
      if (c <= 0) break;
      const a = pairA[p], b = pairB[p], id = 256 + m;
      merges.push([a, b]);
      const ba = vocab[a]!, bb = vocab[b]!;
      const nb = new Uint8Array(ba.length + bb.length);
      nb.set(ba);
      nb.set(bb, ba.length);
      vocab.push(nb);
      lastCount = c;
      nTouched = 0;
      current = m;
      for (let o = pairHead[p]; o >= 0; o = occNext[o]) {
        const word = occWord[o];
        if (wordStamp[word] === m) continue;
        wordStamp[word] = m;
        const s = wStart[word], e = s + wLen[word], f = wFreq[word];
        let r = s, wr = s;
        while (r < e) {
          if (r + 1 < e && sym[r] === a && sym[r + 1] === b) {
            if (wr > s) {
              const left = sym[wr - 1];
              pairCount[index.get(left, a)] -= f;
              inc(left, id, f, word);
            }
            if (r + 2 < e) {
              const right = sym[r + 2];
              pairCount[index.get(b, right)] -= f;
              inc(id, right, f, word);
            }
            sym[wr++] = id;
            r += 2;
          } else sym[wr++] = sym[r++];
        }
        wLen[word] = wr - s;
      }
      pairCount[p] = 0;
      for (let t = 0; t < nTouched; t++) if (pairCount[touched[t]] > 0) heap.push(pairCount[touched[t]], touched[t]);
      m++;
      if (this.opts.onProgress && (m & 1023) === 0) this.opts.onProgress(m, nMerges);
    }
    let tokens = 0;
    for (let w = 0; w < nWords; w++) tokens += wLen[w] * wFreq[w];
    const nextId = vocab.length;
    const spec: BpeSpec = {
      kind: "bpe",
      pattern: this.opts.pattern,
      vocab,
      merges,
      ranks: "index",
      specials: specials.map((content, i) => ({ content, id: nextId + i })),
    };
    return {
      spec,
      report: { chars: this.chars, chunks: this.chunks, uniqueChunks: nWords, merges: merges.length, lastMergeCount: lastCount, bytes, tokens },
    };
  }
}

/** Train on a list (or iterable) of documents in one call. */
export function trainBpe(docs: Iterable<string>, opts: BpeTrainOptions): { spec: BpeSpec; report: BpeTrainReport } {
  const t = new BpeTrainer(opts);
  for (const d of docs) {
    t.add(d);
    if (t.full) break;
  }
  return t.finish();
}
