// Corpus and sentence BLEU, compatible with sacreBLEU 2.x (mjpost/sacrebleu metrics/bleu.py): 13a tokenizer, 'exp'
// smoothing, brevity penalty against the closest reference length, clipped counts over multiple references.

import { BLEU_TOKENIZERS, rstripWhitespace, splitWhitespace, type BleuTokenizerName } from "./tokenize-13a.ts";

/** The sacreBLEU release whose scores and signatures these metrics reproduce (signature `version:` field). */
export const SACREBLEU_VERSION = "2.4.3";

/** Bad input to a metric: which metric, where in the input, what is wrong, and how to fix it. */
export class MetricInputError extends Error {
  override readonly name = "MetricInputError";
  constructor(
    readonly metric: string,
    readonly where: string,
    readonly problem: string,
    readonly hint: string,
  ) {
    super(`${metric}: ${where}: ${problem}. Hint: ${hint}`);
  }
}

/** Checks sacreBLEU's corpus layout, refs[k][i] = k-th reference of sentence i; returns the number of references. */
export function checkCorpus(metric: string, hyps: readonly string[], refs: readonly (readonly string[])[]): number {
  if (hyps.length === 0) throw new MetricInputError(metric, "hyps", "no hypotheses (got an empty array)", "score at least one sentence");
  const bad = hyps.findIndex((h) => typeof h !== "string");
  if (bad >= 0) throw new MetricInputError(metric, `hyps[${bad}]`, `expected a string, got ${JSON.stringify(hyps[bad]) ?? String(hyps[bad])}`, "pass an empty string for an empty output");
  if (refs.length === 0) throw new MetricInputError(metric, "refs", "no reference streams (got an empty array)", "refs[k][i] is the k-th reference of sentence i, so one reference per sentence is [refsOfEachSentence]");
  refs.forEach((stream, k) => {
    if (!Array.isArray(stream) || stream.length !== hyps.length) {
      const got = Array.isArray(stream) ? `${stream.length} sentences` : JSON.stringify(stream);
      throw new MetricInputError(metric, `refs[${k}]`, `expected ${hyps.length} sentences (one per hypothesis), got ${got}`, "refs is indexed [reference][sentence], sacreBLEU's layout; transpose a [sentence][reference] array");
    }
    const i = stream.findIndex((r) => typeof r !== "string");
    if (i >= 0) throw new MetricInputError(metric, `refs[${k}][${i}]`, `expected a string, got ${JSON.stringify(stream[i]) ?? String(stream[i])}`, "every sentence needs a reference string in every stream");
  });
  return refs.length;
}

export type BleuSmooth = "exp" | "none" | "floor" | "add-k";

export interface BleuOptions {
  /** Lowercase hypotheses and references first. @default false */
  readonly lowercase?: boolean;
  /** Smoothing of zero n-gram matches (Chen & Cherry 2014: floor = method 1, add-k = 2, exp = 3). @default "exp" */
  readonly smooth?: BleuSmooth;
  /** The value for "floor" and "add-k". @default 0.1 for floor, 1 for add-k */
  readonly smoothValue?: number;
  /** @default "13a" */
  readonly tokenize?: BleuTokenizerName;
  /** Average only over n-gram orders the hypothesis has. @default false for corpusBleu, true for sentenceBleu */
  readonly effectiveOrder?: boolean;
  /** @default 4 */
  readonly maxNgramOrder?: number;
}

export interface BleuResult {
  /** 0–100. */
  readonly score: number;
  /** Clipped n-gram matches per order, 1..maxNgramOrder (before any add-k smoothing). */
  readonly counts: readonly number[];
  /** Hypothesis n-grams per order. */
  readonly totals: readonly number[];
  /** Per-order precision in percent, smoothed as the score used them. */
  readonly precisions: readonly number[];
  /** Brevity penalty. */
  readonly bp: number;
  readonly sysLen: number;
  readonly refLen: number;
  /** sacreBLEU's signature, e.g. `nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.4.3`. */
  readonly signature: string;
}

const SMOOTH_DEFAULTS: Readonly<Record<BleuSmooth, number | null>> = { none: null, floor: 0.1, "add-k": 1, exp: null };
/** sacreBLEU's my_log: log(0) is floored, so a zero precision drives the score to exactly 0. */
const LOG_ZERO = -9999999999;

type Counts = Map<string, number>;

/** The n-gram counts of a tokenized line, one map per order 1..maxOrder (keys: tokens joined by spaces), and its length. */
function wordNgrams(line: string, maxOrder: number): { ngrams: Counts[]; len: number } {
  const tokens = splitWhitespace(line);
  const ngrams: Counts[] = [];
  for (let n = 1; n <= maxOrder; n++) {
    const counts: Counts = new Map();
    for (let i = 0; i + n <= tokens.length; i++) {
      const key = tokens.slice(i, i + n).join(" ");
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    ngrams.push(counts);
  }
  return { ngrams, len: tokens.length };
}

/** The reference length closest to the hypothesis length; ties go to the shorter reference. */
function closestRefLen(hypLen: number, refLens: readonly number[]): number {
  let best = -1;
  let bestDiff = -1;
  for (const len of refLens) {
    const diff = Math.abs(hypLen - len);
    if (bestDiff === -1 || diff < bestDiff || (diff === bestDiff && len < best)) {
      bestDiff = diff;
      best = len;
    }
  }
  return best;
}

export interface BleuStatsOptions {
  readonly smooth?: BleuSmooth;
  readonly smoothValue?: number;
  readonly effectiveOrder?: boolean;
  readonly maxNgramOrder?: number;
}

/** BLEU from summed statistics (sacreBLEU's BLEU.compute_bleu; its default smoothing here is "none", as there). */
export function bleuFromStats(
  correct: readonly number[],
  total: readonly number[],
  sysLen: number,
  refLen: number,
  opts: BleuStatsOptions = {},
): Omit<BleuResult, "signature"> {
  const method = opts.smooth ?? "none";
  const value = opts.smoothValue ?? SMOOTH_DEFAULTS[method] ?? 0;
  const maxOrder = opts.maxNgramOrder ?? correct.length;
  const bp = sysLen < refLen ? (sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0) : 1;
  const precisions = new Array<number>(maxOrder).fill(0);
  const base = { counts: [...correct], totals: [...total], bp, sysLen, refLen };
  if (!correct.some((c) => c !== 0)) return { ...base, score: 0, precisions }; // no match at all (sacreBLEU #141)

  let mtevalDivisor = 1;
  let effOrder = maxOrder;
  for (let n = 1; n <= maxOrder; n++) {
    const k = method === "add-k" && n > 1 ? value : 0;
    const c = correct[n - 1] + k;
    const t = total[n - 1] + k;
    if (t === 0) break;
    if (opts.effectiveOrder) effOrder = n;
    if (c === 0) {
      if (method === "exp") {
        mtevalDivisor *= 2;
        precisions[n - 1] = 100 / (mtevalDivisor * t);
      } else if (method === "floor") {
        precisions[n - 1] = (100 * value) / t;
      }
    } else {
      precisions[n - 1] = (100 * c) / t;
    }
  }
  let logSum = 0;
  for (const p of precisions.slice(0, effOrder)) logSum += p === 0 ? LOG_ZERO : Math.log(p);
  return { ...base, score: bp * Math.exp(logSum / effOrder), precisions };
}

function bleuSignature(nrefs: number, lowercase: boolean, eff: boolean, tok: string, smooth: BleuSmooth, smoothValue: number | undefined): string {
  const def = SMOOTH_DEFAULTS[smooth];
  const smoothStr = def === null ? smooth : `${smooth}[${(smoothValue ?? def).toFixed(2)}]`;
  return `nrefs:${nrefs}|case:${lowercase ? "lc" : "mixed"}|eff:${eff ? "yes" : "no"}|tok:${tok}|smooth:${smoothStr}|version:${SACREBLEU_VERSION}`;
}

function resolve(metric: string, opts: BleuOptions, effDefault: boolean) {
  const smooth = opts.smooth ?? "exp";
  if (!Object.hasOwn(SMOOTH_DEFAULTS, smooth)) throw new MetricInputError(metric, "opts.smooth", `unknown smoothing ${JSON.stringify(smooth)}`, `use one of ${Object.keys(SMOOTH_DEFAULTS).join(", ")}`);
  const tok = opts.tokenize ?? "13a";
  if (!Object.hasOwn(BLEU_TOKENIZERS, tok)) throw new MetricInputError(metric, "opts.tokenize", `unknown tokenizer ${JSON.stringify(tok)}`, `use one of ${Object.keys(BLEU_TOKENIZERS).join(", ")}`);
  const maxOrder = opts.maxNgramOrder ?? 4;
  if (!Number.isInteger(maxOrder) || maxOrder < 1) throw new MetricInputError(metric, "opts.maxNgramOrder", `expected a positive integer, got ${maxOrder}`, "BLEU's standard order is 4");
  const lowercase = opts.lowercase ?? false;
  const tokenizer = BLEU_TOKENIZERS[tok];
  const prep = (s: string) => tokenizer(rstripWhitespace(lowercase ? s.toLowerCase() : s));
  return { smooth, tok, maxOrder, lowercase, prep, effectiveOrder: opts.effectiveOrder ?? effDefault };
}

/**
 * Corpus BLEU as sacreBLEU's `BLEU().corpus_score(hyps, refs)`.
 * @example corpusBleu(["The cat sat."], [["The cat sat."]]).score // 100
 */
export function corpusBleu(hyps: readonly string[], refs: readonly (readonly string[])[], opts: BleuOptions = {}): BleuResult {
  return score("corpusBleu", hyps, refs, resolve("corpusBleu", opts, false), opts.smoothValue);
}

/** Sentence BLEU as sacreBLEU's `sentence_bleu(hyp, refs)` (effective order on by default, as there). */
export function sentenceBleu(hyp: string, refs: readonly string[], opts: BleuOptions = {}): BleuResult {
  return score("sentenceBleu", [hyp], refs.map((r) => [r]), resolve("sentenceBleu", opts, true), opts.smoothValue);
}

function score(metric: string, hyps: readonly string[], refs: readonly (readonly string[])[], o: ReturnType<typeof resolve>, smoothValue: number | undefined): BleuResult {
  const nrefs = checkCorpus(metric, hyps, refs);
  const correct = new Array<number>(o.maxOrder).fill(0);
  const total = new Array<number>(o.maxOrder).fill(0);
  let sysLen = 0;
  let refLen = 0;
  hyps.forEach((hyp, i) => {
    // References of sentence i: n-gram counts merged by max (the clipping limit), and their lengths.
    const refMax: Counts[] = Array.from({ length: o.maxOrder }, () => new Map());
    const refLens: number[] = [];
    for (const stream of refs) {
      const { ngrams, len } = wordNgrams(o.prep(stream[i]), o.maxOrder);
      refLens.push(len);
      ngrams.forEach((counts, n) => {
        for (const [g, c] of counts) if (c > (refMax[n].get(g) ?? 0)) refMax[n].set(g, c);
      });
    }
    const { ngrams, len } = wordNgrams(o.prep(hyp), o.maxOrder);
    sysLen += len;
    refLen += closestRefLen(len, refLens);
    ngrams.forEach((counts, n) => {
      for (const [g, c] of counts) {
        total[n] += c;
        correct[n] += Math.min(c, refMax[n].get(g) ?? 0);
      }
    });
  });
  const r = bleuFromStats(correct, total, sysLen, refLen, { smooth: o.smooth, smoothValue, effectiveOrder: o.effectiveOrder, maxNgramOrder: o.maxOrder });
  return { ...r, signature: bleuSignature(nrefs, o.lowercase, o.effectiveOrder, o.tok, o.smooth, smoothValue) };
}
