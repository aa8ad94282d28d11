// EvalLM on a TokenScorer and a tokenizer, with lm-evaluation-harness's semantics (HFLM): _encode_pair, the
// (context + continuation)[-(T+1):] window with only the continuation scored, Collator order, rolling windows.
// Dimension letters: T the model's context.
import type { Decoder, ScoreWindow, TokenScorer, WindowScore } from "@lathe/model";
import type { Tokenizer } from "@lathe/tokenizer";
import { ScoreCache } from "./cache.ts";
import { LMRequestError, LMSetupError } from "./errors.ts";
import { generateUntil } from "./generate-until.ts";
import { rollingScoreWindows } from "./rolling.ts";
import { scoreWindows } from "./score-windows.ts";
import type { EvalLM, GenerateRequest, LoglikelihoodRequest, LoglikelihoodResult, RollingResult } from "./types.ts";

/** Trailing whitespace as Python's str.rstrip() sees it (str.isspace), which differs from JS trimEnd at U+FEFF and U+001C..1F. */
const TRAILING_SPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/u;

export interface LatheLMOptions {
  /** Where scores persist across runs (one JSONL file per model digest); undefined = this process only. */
  readonly cacheDir?: string;
  /**
   * Windows per scorer.score call.
   * @default 32
   */
  readonly batchSize?: number;
  /** Called after each batch: windows resolved so far and the total of one call. */
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * Shown in results.
   * @default "lathe:<first 12 hex of the digest>"
   */
  readonly name?: string;
  /**
   * Whether special-token strings in request text become special ids, as Hugging Face tokenizers do by default.
   * @default "all"
   */
  readonly specials?: "all" | "none";
  /** A batched decoder over the same model: greedy generate_until requests decode together (gpt models). */
  readonly decoder?: Decoder;
}

export class LatheLM implements EvalLM {
  readonly name: string;
  readonly cache: ScoreCache;
  readonly batchSize: number;
  /** <|endoftext|>: the prefix of an empty context and of a document's first rolling window. */
  readonly eot: number;

  constructor(
    readonly scorer: TokenScorer,
    readonly tokenizer: Tokenizer,
    private readonly opts: LatheLMOptions = {},
  ) {
    this.name = opts.name ?? `lathe:${scorer.digest.slice(0, 12)}`;
    this.cache = new ScoreCache(scorer.digest, opts.cacheDir);
    this.batchSize = opts.batchSize ?? 32;
    const eot = scorer.eot >= 0 ? scorer.eot : tokenizer.specialId("<|endoftext|>");
    if (eot === undefined) throw new LMSetupError("the scorer's eot id is unknown and the tokenizer has no <|endoftext|>", "pass eot to loadScorer (the tokenizer's specialId(\"<|endoftext|>\"))");
    if (tokenizer.vocabSize > scorer.vocabSize)
      throw new LMSetupError(`the tokenizer has ${tokenizer.vocabSize} ids but the model only ${scorer.vocabSize}`, "use the tokenizer stage the model was trained with");
    this.eot = eot;
  }

  get decoder(): Decoder | undefined {
    return this.opts.decoder;
  }

  /** The model's context T: windows hold at most T + 1 tokens. */
  get context(): number {
    return this.scorer.context;
  }

  encode(text: string): number[] {
    return Array.from(this.tokenizer.encode(text, { specials: this.opts.specials ?? "all" }));
  }

  /**
   * The harness's _encode_pair: trailing whitespace of the context moves to the continuation; an empty context is
   * [eot] (so is an all-whitespace one, which the harness would leave with nothing to condition on).
   */
  encodePair(context: string, continuation: string): { context: number[]; continuation: number[] } {
    if (context === "") return { context: [this.eot], continuation: this.encode(continuation) };
    const kept = context.replace(TRAILING_SPACE, "");
    const whole = this.encode(context + continuation);
    const ctx = this.encode(kept);
    return { context: ctx.length > 0 ? ctx : [this.eot], continuation: whole.slice(ctx.length) };
  }

  /**
   * Each continuation scored in the window (context + continuation)[-(T+1):]. A continuation longer than the
   * context (the harness cannot score one) is scored in consecutive windows of at most T predictions, each with as
   * much left context as fits, so every continuation token is predicted once.
   */
  async loglikelihood(reqs: readonly LoglikelihoodRequest[]): Promise<LoglikelihoodResult[]> {
    const T = this.context;
    const perReq: ScoreWindow[][] = reqs.map((r) => {
      const { context, continuation } = this.encodePair(r.context, r.continuation);
      const all = [...context, ...continuation];
      const out: ScoreWindow[] = [];
      for (let start = context.length; start < all.length; start += T) {
        const end = Math.min(all.length, start + T);
        const tokens = all.slice(Math.max(0, end - (T + 1)), end);
        out.push({ tokens, from: tokens.length - (end - start) });
      }
      return out; // empty: nothing to score (ln 1)
    });
    const scores = await this.scoreWindows(perReq.flat());
    let k = 0;
    return perReq.map((ws) => {
      let logprob = 0;
      let tokens = 0;
      let isGreedy = true;
      for (let i = 0; i < ws.length; i++) {
        const s = scores[k++]!;
        logprob += sum(s.logprobs);
        tokens += s.logprobs.length;
        isGreedy &&= s.greedy.every(Boolean);
      }
      return { logprob, isGreedy, tokens };
    });
  }

  async loglikelihoodRolling(texts: readonly string[]): Promise<RollingResult[]> {
    const perText = texts.map((t) => rollingScoreWindows(this.encode(t), this.eot, this.context));
    const scores = await this.scoreWindows(perText.flat());
    let k = 0;
    return perText.map((ws) => {
      let logprob = 0;
      let tokens = 0;
      for (let i = 0; i < ws.length; i++) {
        const s = scores[k++];
        logprob += sum(s.logprobs);
        tokens += s.logprobs.length;
      }
      return { logprob, tokens };
    });
  }

  generateUntil(reqs: readonly GenerateRequest[]): Promise<string[]> {
    return generateUntil(this, reqs);
  }

  /** Score windows through the cache, de-duplicated, longest first, in batches; results in input order. */
  scoreWindows(windows: readonly ScoreWindow[]): Promise<WindowScore[]> {
    return scoreWindows(this.scorer, this.cache, windows, { batchSize: this.batchSize, onProgress: this.opts.onProgress });
  }
}

function sum(xs: Float64Array): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}
