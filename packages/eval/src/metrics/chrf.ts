// chrF and chrF++ compatible with sacreBLEU 2.x (mjpost/sacrebleu metrics/chrf.py): character n-grams up to 6 over
// the text with whitespace removed, F-beta with beta 2, per-order statistics summed over the corpus.

import { checkCorpus, MetricInputError, SACREBLEU_VERSION } from "./bleu.ts";
import { splitWhitespace } from "./tokenize-13a.ts";

export interface ChrfOptions {
  /** Character n-gram order. @default 6 */
  readonly charOrder?: number;
  /** Word n-gram order; 2 makes chrF++. @default 0 */
  readonly wordOrder?: number;
  /** Weight of recall over precision. @default 2 */
  readonly beta?: number;
  /** @default false */
  readonly lowercase?: boolean;
  /** Keep whitespace inside character n-grams (sacreBLEU's `whitespace=True`). @default false */
  readonly whitespace?: boolean;
  /** chrF++.py / NLTK epsilon smoothing instead of sacreBLEU's effective order (signature `eff:no`). @default false */
  readonly epsSmoothing?: boolean;
}

export interface ChrfResult {
  /** 0–100. */
  readonly score: number;
  /** `chrF2`, or `chrF2++` with word order 2, as sacreBLEU names it. */
  readonly name: string;
  /** sacreBLEU's signature, e.g. `nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.4.3`. */
  readonly signature: string;
}

type Counts = Map<string, number>;

/** string.punctuation, which chrF++ splits off the start or end of a word. */
const PUNCTUATION = new Set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~");

/** Character n-gram counts for orders 1..maxOrder over code points (whitespace removed unless kept). */
function charNgrams(line: string, maxOrder: number, keepWhitespace: boolean): Counts[] {
  const chars = Array.from(keepWhitespace ? line : splitWhitespace(line).join(""));
  const out: Counts[] = Array.from({ length: maxOrder }, () => new Map());
  for (let i = 0; i < chars.length; i++) {
    let g = "";
    for (let n = 1; n <= maxOrder && i + n <= chars.length; n++) {
      g += chars[i + n - 1];
      out[n - 1].set(g, (out[n - 1].get(g) ?? 0) + 1);
    }
  }
  return out;
}

/** chrF++'s words: one punctuation mark split off the end, else off the start, of each word (as sacreBLEU does). */
function chrfWords(line: string): string[] {
  const words: string[] = [];
  for (const w of splitWhitespace(line)) {
    if (w.length === 1) words.push(w);
    else if (PUNCTUATION.has(w[w.length - 1])) words.push(w.slice(0, -1), w[w.length - 1]);
    else if (PUNCTUATION.has(w[0])) words.push(w[0], w.slice(1));
    else words.push(w);
  }
  return words;
}

function wordNgrams(words: readonly string[], n: number): Counts {
  const out: Counts = new Map();
  for (let i = 0; i + n <= words.length; i++) {
    const g = words.slice(i, i + n).join(" ");
    out.set(g, (out.get(g) ?? 0) + 1);
  }
  return out;
}

interface Config {
  readonly charOrder: number;
  readonly wordOrder: number;
  readonly beta: number;
  readonly lowercase: boolean;
  readonly whitespace: boolean;
  readonly epsSmoothing: boolean;
}

function allNgrams(line: string, c: Config): Counts[] {
  const grams = charNgrams(line, c.charOrder, c.whitespace);
  if (c.wordOrder > 0) {
    const words = chrfWords(line);
    for (let n = 1; n <= c.wordOrder; n++) grams.push(wordNgrams(words, n));
  }
  return grams;
}

/** Per order: [hyp n-grams (0 when the reference has none of that order), ref n-grams, matches], flattened. */
function matchStats(hyp: readonly Counts[], ref: readonly Counts[]): number[] {
  const stats: number[] = [];
  hyp.forEach((h, k) => {
    const r = ref[k];
    let hypCount = 0;
    let match = 0;
    for (const [g, c] of h) {
      hypCount += c;
      match += Math.min(c, r.get(g) ?? 0);
    }
    let refCount = 0;
    for (const c of r.values()) refCount += c;
    stats.push(r.size > 0 ? hypCount : 0, refCount, match);
  });
  return stats;
}

/** The F-beta score (0–100) of flattened statistics, sacreBLEU's CHRF._compute_f_score. */
function fScore(stats: readonly number[], c: Config): number {
  const eps = 1e-16;
  const factor = c.beta ** 2;
  const order = c.charOrder + c.wordOrder;
  let score = 0;
  let avgPrec = 0;
  let avgRec = 0;
  let effOrder = 0;
  for (let i = 0; i < order; i++) {
    const [nHyp, nRef, nMatch] = [stats[3 * i], stats[3 * i + 1], stats[3 * i + 2]];
    const prec = nHyp > 0 ? nMatch / nHyp : eps;
    const rec = nRef > 0 ? nMatch / nRef : eps;
    const denom = factor * prec + rec;
    score += denom > 0 ? ((1 + factor) * prec * rec) / denom : eps;
    if (nHyp > 0 && nRef > 0) {
      avgPrec += prec;
      avgRec += rec;
      effOrder++;
    }
  }
  if (c.epsSmoothing) return (100 * score) / order;
  if (effOrder === 0) return 0;
  avgPrec /= effOrder;
  avgRec /= effOrder;
  if (avgPrec + avgRec === 0) return 0;
  return (100 * (1 + factor) * avgPrec * avgRec) / (factor * avgPrec + avgRec);
}

function config(metric: string, opts: ChrfOptions): Config {
  const c: Config = {
    charOrder: opts.charOrder ?? 6,
    wordOrder: opts.wordOrder ?? 0,
    beta: opts.beta ?? 2,
    lowercase: opts.lowercase ?? false,
    whitespace: opts.whitespace ?? false,
    epsSmoothing: opts.epsSmoothing ?? false,
  };
  for (const key of ["charOrder", "wordOrder"] as const) {
    if (!Number.isInteger(c[key]) || c[key] < 0) throw new MetricInputError(metric, `opts.${key}`, `expected a non-negative integer, got ${c[key]}`, "chrF uses charOrder 6 and wordOrder 0 (chrF++: 2)");
  }
  if (c.charOrder + c.wordOrder === 0) throw new MetricInputError(metric, "opts.charOrder", "charOrder and wordOrder are both 0, so there is nothing to count", "use charOrder 6");
  if (!(c.beta > 0)) throw new MetricInputError(metric, "opts.beta", `expected a positive number, got ${c.beta}`, "chrF2 uses beta 2");
  return c;
}

/**
 * Corpus chrF as sacreBLEU's `CHRF().corpus_score(hyps, refs)`; refs[k][i] is the k-th reference of sentence i.
 * With several references, each sentence takes the statistics of its best-scoring one.
 */
export function corpusChrf(hyps: readonly string[], refs: readonly (readonly string[])[], opts: ChrfOptions = {}): ChrfResult {
  return chrf("corpusChrf", hyps, refs, opts);
}

/** Sentence chrF as sacreBLEU's `sentence_chrf(hyp, refs)`. */
export function sentenceChrf(hyp: string, refs: readonly string[], opts: ChrfOptions = {}): ChrfResult {
  return chrf("sentenceChrf", [hyp], refs.map((r) => [r]), opts);
}

function chrf(metric: string, hyps: readonly string[], refs: readonly (readonly string[])[], opts: ChrfOptions): ChrfResult {
  const c = config(metric, opts);
  const nrefs = checkCorpus(metric, hyps, refs);
  const prep = (s: string) => (c.lowercase ? s.toLowerCase() : s);
  const totals = new Array<number>(3 * (c.charOrder + c.wordOrder)).fill(0);
  hyps.forEach((hyp, i) => {
    const h = allNgrams(prep(hyp), c);
    let best: number[] = [];
    let bestF = -1;
    for (const stream of refs) {
      const stats = matchStats(h, allNgrams(prep(stream[i]), c));
      const f = fScore(stats, c);
      if (f > bestF) [best, bestF] = [stats, f];
    }
    best.forEach((v, k) => (totals[k] += v));
  });
  const signature = `nrefs:${nrefs}|case:${c.lowercase ? "lc" : "mixed"}|eff:${c.epsSmoothing ? "no" : "yes"}|nc:${c.charOrder}|nw:${c.wordOrder}|space:${c.whitespace ? "yes" : "no"}|version:${SACREBLEU_VERSION}`;
  return { score: fScore(totals, c), name: `chrF${c.beta}${"+".repeat(c.wordOrder)}`, signature };
}
