// The host engine: a ServingEngine for a train stage's outDir that runs one request at a time (a SerialQueue). Prompt
// scores come from @lathe/model's loadScorer (the same numbers `lathe eval` uses); generation and the top-k
// alternatives come from the HostModel (KV cache on the host), because TokenScorer.generate returns neither
// log-probabilities nor the distribution. The fallback until the batched decoder backs the server.
// Dimension letters: T context, V vocab, k alternatives.
import { sampleLogits } from "@lathe/gpu";
import { type HostModel, loadHostModel, loadScorer, type TokenScorer } from "@lathe/model";
import type { Tokenizer } from "@lathe/tokenizer";
import type { EngineRequest, EngineStats, GeneratedToken, PromptTokenScore, ServingEngine, TokenLogprob } from "./engine.ts";
import { ServerConfigError } from "./errors.ts";
import { QueueAbortedError, SerialQueue } from "./queue.ts";

export interface HostEngineOptions {
  /** A train stage's outDir: model.safetensors + config.json. */
  readonly trainDir: string;
  readonly tokenizer: Tokenizer;
  /** Where prompt scoring runs. @default "auto" */
  readonly backend?: "auto" | "webgpu" | "cpu";
}

export interface HostEngine extends ServingEngine {
  /** Frees the scorer's device memory; the engine must not be used after. */
  close(): Promise<void>;
}

/** Loads the model twice (device scorer + host model) and returns the engine. */
export async function hostEngine(opts: HostEngineOptions): Promise<HostEngine> {
  const tok = opts.tokenizer;
  const eot = tok.specialId("<|endoftext|>");
  if (eot === undefined) throw new ServerConfigError("tokenizer", "has no <|endoftext|> token", "serve with the tokenizer the model was trained with");
  const host = loadHostModel(opts.trainDir);
  if (host.config.vocab_size < tok.vocabSize)
    throw new ServerConfigError("tokenizer", `has ${tok.vocabSize} ids but the model only ${host.config.vocab_size}`, "serve with the tokenizer the model was trained with");
  const scorer = await loadScorer({ trainDir: opts.trainDir, backend: opts.backend ?? "auto", eot });
  const end = tok.specialId("<|end|>");
  return new HostEngineImpl(tok, scorer, host, end === undefined ? [eot] : [eot, end]);
}

class HostEngineImpl implements HostEngine {
  readonly contextLength: number;
  readonly vocabSize: number;
  private readonly queue = new SerialQueue();

  constructor(
    private readonly tok: Tokenizer,
    private readonly scorer: TokenScorer,
    private readonly host: HostModel,
    readonly endTokens: readonly number[],
  ) {
    this.contextLength = scorer.context;
    this.vocabSize = scorer.vocabSize;
  }

  tokenize(text: string): number[] {
    return Array.from(this.tok.encode(text));
  }

  detokenize(ids: readonly number[]): string {
    return this.tok.decode(ids);
  }

  stats(): EngineStats {
    return { running: this.queue.running, queued: this.queue.queued, batch: this.queue.running };
  }

  submit(req: EngineRequest): AsyncIterable<GeneratedToken> {
    return this.generate(req);
  }

  private async *generate(req: EngineRequest): AsyncGenerator<GeneratedToken> {
    const release = await this.turn(req.signal);
    if (!release) return;
    try {
      const k = req.topLogprobs ?? 0;
      const ctx = req.prompt.length ? [...req.prompt] : [this.endTokens[0]];
      let logits = await this.feed(ctx, req.signal); // (V)
      const rng = mulberry32(req.seed ?? (Math.random() * 2 ** 32) >>> 0);
      for (let n = 0; n < req.maxTokens && !req.signal.aborted; n++) {
        const lp = logSoftmax(logits); // (V)
        const token = sampleLogits(logits, { temperature: req.temperature, topK: req.topK, topP: req.topP }, rng);
        yield { token, logprob: lp[token], ...(k > 0 ? { top: topOf(lp, k) } : {}) };
        if (req.stopTokens?.includes(token) || n + 1 === req.maxTokens) break;
        ctx.push(token);
        logits = this.host.pos < this.host.window ? this.host.step(token) : await this.feed(ctx.slice(-Math.ceil(this.host.window / 2)), req.signal);
        await tick(); // let the server answer other requests between tokens
      }
    } finally {
      release();
    }
  }

  async scorePrompt(ids: readonly number[], topK: number, signal?: AbortSignal): Promise<PromptTokenScore[]> {
    const release = await this.turn(signal);
    if (!release) throw new QueueAbortedError({ cause: signal?.reason });
    try {
      const out: PromptTokenScore[] = [{ logprob: null, top: [] }];
      if (ids.length < 2) return ids.length ? out : [];
      const [s] = await this.scorer.score([{ tokens: ids, from: 1 }]);
      const tops = topK > 0 ? await this.hostTops(ids, topK, signal) : null;
      for (let i = 1; i < ids.length; i++) {
        const logprob = s.logprobs[i - 1];
        out.push({ logprob, top: tops ? mergeTop(ids[i], logprob, s.greedy[i - 1], tops[i - 1], topK) : [] });
      }
      return out;
    } finally {
      release();
    }
  }

  /** The top-k alternatives after each prefix ids[0..i] (i < n-1), from the host model's logits. */
  private async hostTops(ids: readonly number[], k: number, signal?: AbortSignal): Promise<TokenLogprob[][]> {
    this.host.reset();
    const tops: TokenLogprob[][] = [];
    for (let i = 0; i + 1 < ids.length; i++) {
      tops.push(topOf(logSoftmax(this.host.step(ids[i])), k));
      if (i % 64 === 63) {
        await tick();
        if (signal?.aborted) throw new QueueAbortedError({ cause: signal.reason });
      }
    }
    return tops;
  }

  /** Reset the host model and feed ids (≤ its window); the logits after the last. Yields to the loop now and then. */
  private async feed(ids: readonly number[], signal: AbortSignal): Promise<Float32Array> {
    this.host.reset();
    let logits: Float32Array = new Float32Array(this.host.config.vocab_size);
    for (let i = 0; i < ids.length && !signal.aborted; i++) {
      logits = this.host.step(ids[i]);
      if (i % 64 === 63) await tick();
    }
    return logits;
  }

  /** The queue's release function, or null when the signal aborted while waiting. */
  private async turn(signal?: AbortSignal): Promise<(() => void) | null> {
    try {
      return await this.queue.acquire(signal);
    } catch (e) {
      if (e instanceof QueueAbortedError) return null;
      throw e;
    }
  }

  close(): Promise<void> {
    return this.scorer.close();
  }
}

/**
 * The scorer's value for the prompt's own token wins over the host model's (they differ by f32 rounding): a token the
 * scorer calls greedy comes first, so a client testing "logprob == max(top)" (lm-evaluation-harness) gets the truth.
 */
export function mergeTop(token: number, logprob: number, greedy: boolean, hostTop: readonly TokenLogprob[], k: number): TokenLogprob[] {
  const others = hostTop.filter((t) => t.token !== token);
  if (greedy) return [{ token, logprob }, ...others.map((t) => ({ token: t.token, logprob: Math.min(t.logprob, logprob) }))].slice(0, k);
  if (others.length === hostTop.length) return others.slice(0, k);
  return [...others, { token, logprob }].sort((a, b) => b.logprob - a.logprob).slice(0, k);
}

/** ln softmax(logits) in f64 (V). */
export function logSoftmax(logits: Float32Array): Float64Array {
  let m = -Infinity;
  for (const x of logits) if (x > m) m = x;
  let z = 0;
  for (const x of logits) z += Math.exp(x - m);
  const lz = m + Math.log(z);
  return Float64Array.from(logits, (x) => x - lz);
}

/** The k largest entries, largest first (ties: smaller id first). */
export function topOf(lp: Float64Array, k: number): TokenLogprob[] {
  const best: TokenLogprob[] = [];
  for (let v = 0; v < lp.length; v++) {
    if (best.length === k && lp[v] <= best[k - 1].logprob) continue;
    let i = best.length;
    while (i > 0 && best[i - 1].logprob < lp[v]) i--;
    best.splice(i, 0, { token: v, logprob: lp[v] });
    if (best.length > k) best.pop();
  }
  return best;
}

/** A small seeded PRNG (mulberry32): uniform in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function tick(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}
