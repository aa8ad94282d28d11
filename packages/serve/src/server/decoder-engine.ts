// The decoder engine: a ServingEngine on ONE shared batched Decoder (@lathe/model's loadDecoder: continuous batching
// over a paged KV cache) driven by a single step loop. A request add()s its sequence and reads its own inbox; the loop
// steps while any sequence waits or runs and routes each step's events to their inboxes, so requests join and leave
// between steps and every running one advances in the same batched forward. Prompt scores come from loadScorer on the
// same device (the numbers `lathe eval` gives); their top-k alternatives from one-token prefill sequences with logits
// through the same loop. Models without a batched decoder (rnn, hybrid) are served by hostEngine instead.
// Dimension letters: T context, V vocab, k alternatives, n prompt length.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Device } from "@lathe/gpu";
import { type Decoder, loadDecoder, loadScorer, openDevice, type SequenceId, type StepEvent, type TokenScorer } from "@lathe/model";
import type { Tokenizer } from "@lathe/tokenizer";
import type { EngineRequest, EngineStats, GeneratedToken, PromptTokenScore, ServingEngine, TokenLogprob } from "./engine.ts";
import { ServerConfigError } from "./errors.ts";
import { type HostEngine, hostEngine, logSoftmax, mergeTop, topOf } from "./host-engine.ts";
import { QueueAbortedError } from "./queue.ts";

export interface DecoderEngineOptions {
  /** A train stage's outDir: model.safetensors + config.json. */
  readonly trainDir: string;
  readonly tokenizer: Tokenizer;
  /** "auto" tries WebGPU and falls back to the CPU reference ops when no adapter exists. @default "auto" */
  readonly backend?: "auto" | "webgpu" | "cpu";
  /** Sequences advanced in one step at most; more requests wait their turn (stats().queued). @default 16 */
  readonly maxSequences?: number;
  /** KV cache positions, all sequences together; at least T, so one full-context request fits. @default maxSequences * T */
  readonly maxTokens?: number;
  /** Where a fallback is reported (to the host engine, or from WebGPU to the CPU). @default console.error */
  readonly log?: (line: string) => void;
}

export interface DecoderEngine extends ServingEngine {
  /** The backend the decoder and the scorer run on. */
  readonly backend: "webgpu" | "cpu";
  /** Ends every request, then frees the decoder, the scorer and their device; the engine must not be used after. */
  close(): Promise<void>;
}

/** The decoder engine for a gpt model; for another kind, hostEngine (the reason is logged). */
export async function decoderEngine(opts: DecoderEngineOptions): Promise<DecoderEngine | HostEngine> {
  const log = opts.log ?? ((line: string) => console.error(line));
  const kind = modelKind(opts.trainDir);
  if (kind !== undefined && kind !== "gpt") {
    log(`lathe serve: model kind "${kind}" has no batched decoder; serving it with the host engine, one request at a time`);
    return hostEngine(opts);
  }
  const tok = opts.tokenizer;
  const eot = tok.specialId("<|endoftext|>");
  if (eot === undefined) throw new ServerConfigError("tokenizer", "has no <|endoftext|> token", "serve with the tokenizer the model was trained with");
  const { device: dev, fallback } = await openDevice(opts.backend ?? "auto");
  if (fallback) log(`lathe serve: ${fallback}: decoding on the CPU reference backend (slow)`);
  try {
    const decoder = await loadDecoder({ trainDir: opts.trainDir, device: dev, eot, ...pick(opts, "maxSequences", "maxTokens") });
    if (decoder.vocabSize < tok.vocabSize) throw new ServerConfigError("tokenizer", `has ${tok.vocabSize} ids but the model only ${decoder.vocabSize}`, "serve with the tokenizer the model was trained with");
    if (opts.maxTokens !== undefined && opts.maxTokens < decoder.context) throw new ServerConfigError("maxTokens", `is ${opts.maxTokens}, less than the context of ${decoder.context}`, `give at least ${decoder.context} so a full-context request fits`);
    const scorer = await loadScorer({ trainDir: opts.trainDir, device: dev, eot });
    return decoderEngineOn({ decoder, scorer, tokenizer: tok, device: dev });
  } catch (e) {
    dev.destroy();
    throw e;
  }
}

export interface DecoderEngineParts {
  readonly decoder: Decoder;
  /** The same model's scorer (prompt scores). */
  readonly scorer: TokenScorer;
  readonly tokenizer: Tokenizer;
  /** The device both run on when the engine owns it (close() destroys it). */
  readonly device?: Device;
}

/** The engine on an already-loaded decoder and scorer; it owns them from now on (close() closes them). */
export function decoderEngineOn(parts: DecoderEngineParts): DecoderEngine {
  const eot = parts.tokenizer.specialId("<|endoftext|>");
  if (eot === undefined) throw new ServerConfigError("tokenizer", "has no <|endoftext|> token", "serve with the tokenizer the model was trained with");
  const end = parts.tokenizer.specialId("<|end|>");
  return new DecoderEngineImpl(parts, end === undefined ? [eot] : [eot, end]);
}

class DecoderEngineImpl implements DecoderEngine {
  readonly contextLength: number;
  readonly vocabSize: number;
  readonly backend: "webgpu" | "cpu";
  private readonly decoder: Decoder;
  private readonly inboxes = new Map<SequenceId, Inbox>();
  /** Whether the step loop runs; set and cleared synchronously with its last check, so no sequence is left behind. */
  private stepping = false;
  private loop: Promise<void> = Promise.resolve();
  /** Sequences in the last step while the loop runs; 0 when idle. */
  private batch = 0;
  private closed = false;

  constructor(
    private readonly parts: DecoderEngineParts,
    readonly endTokens: readonly number[],
  ) {
    this.decoder = parts.decoder;
    this.contextLength = parts.decoder.context;
    this.vocabSize = parts.decoder.vocabSize;
    this.backend = parts.decoder.backend;
  }

  tokenize(text: string): number[] {
    return Array.from(this.parts.tokenizer.encode(text));
  }

  detokenize(ids: readonly number[]): string {
    return this.parts.tokenizer.decode(ids);
  }

  /**
   * A request runs until its reader is done with it (has every token, or left after an abort), not only while its
   * sequence is in the decoder: as the host engine's slot, it is free once the server has finished the request.
   */
  stats(): EngineStats {
    const s = this.decoder.stats();
    let draining = 0;
    for (const inbox of this.inboxes.values()) if (inbox.request && inbox.finished) draining++;
    return { running: s.running + draining, queued: s.waiting, batch: this.batch };
  }

  submit(req: EngineRequest): AsyncIterable<GeneratedToken> {
    return this.generate(req);
  }

  private async *generate(req: EngineRequest): AsyncGenerator<GeneratedToken> {
    if (req.signal.aborted || req.maxTokens < 1) return;
    const k = req.topLogprobs ?? 0;
    const seed = req.seed ?? (Math.random() * 2 ** 32) >>> 0;
    const id = this.enter(true, req.prompt, { maxTokens: req.maxTokens, temperature: req.temperature, topK: req.topK, topP: req.topP, seed, stop: req.stopTokens ?? [], logits: k > 0 });
    const inbox = this.inboxes.get(id)!;
    const onAbort = () => {
      inbox.close();
      this.decoder.cancel(id); // now, even while the reader is elsewhere: the sequence leaves at the next step
    };
    req.signal.addEventListener("abort", onAbort, { once: true });
    try {
      for (let e = await inbox.next(); e; e = await inbox.next()) {
        if (e.token < 0) return; // cancelled
        yield { token: e.token, logprob: e.logprob, ...(k > 0 && e.logits ? { top: alternatives(e.logits, e.token, e.logprob, k) } : {}) };
        if (e.done) return;
      }
    } finally {
      req.signal.removeEventListener("abort", onAbort);
      this.leave(id);
    }
  }

  async scorePrompt(ids: readonly number[], topK: number, signal?: AbortSignal): Promise<PromptTokenScore[]> {
    if (signal?.aborted) throw new QueueAbortedError({ cause: signal.reason });
    const out: PromptTokenScore[] = [{ logprob: null, top: [] }];
    if (ids.length < 2) return ids.length ? out : [];
    const [s] = await this.parts.scorer.score([{ tokens: ids, from: 1 }]);
    const tops = topK > 0 ? await this.prefixTops(ids, topK, s.greedy, signal) : null;
    for (let i = 1; i < ids.length; i++) {
      const logprob = s.logprobs[i - 1];
      out.push({ logprob, top: tops ? mergeTop(ids[i], logprob, s.greedy[i - 1], tops[i - 1], topK) : [] });
    }
    return out;
  }

  /**
   * The k most likely ids after each prefix ids[0..i] (i < n-1), from one-token sequences that prefill the prefix
   * and report their logits. With k = 1 a greedy position needs none: the prompt's own token is its top. The cost
   * is the prefixes' lengths summed (~n²/2 positions, batched with everything else in the loop's steps).
   */
  private async prefixTops(ids: readonly number[], k: number, greedy: readonly boolean[], signal?: AbortSignal): Promise<TokenLogprob[][]> {
    const tops: TokenLogprob[][] = Array.from({ length: ids.length - 1 }, () => []);
    const want = tops.map((_, i) => i).filter((i) => k > 1 || !greedy[i]);
    const seqs = want.map((i) => this.enter(false, ids.slice(0, i + 1), { maxTokens: 1, temperature: 0, logits: true }));
    const onAbort = () => seqs.forEach((id) => {
      this.inboxes.get(id)?.close();
      this.decoder.cancel(id);
    });
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      for (const [j, id] of seqs.entries()) {
        const e = await this.inboxes.get(id)!.next();
        if (!e?.logits) throw new QueueAbortedError({ cause: signal?.reason });
        tops[want[j]] = topOf(logSoftmax(e.logits), k);
      }
      return tops;
    } finally {
      signal?.removeEventListener("abort", onAbort);
      for (const id of seqs) this.leave(id);
    }
  }

  /** Adds a sequence to the decoder with an inbox for its events (a request's, or a scoring job's), and makes sure the loop runs. */
  private enter(request: boolean, prompt: readonly number[], o: Parameters<Decoder["add"]>[1]): SequenceId {
    if (this.closed) throw new ServerConfigError("engine", "is closed", "start a new decoderEngine");
    const id = this.decoder.add(prompt, o);
    this.inboxes.set(id, new Inbox(request));
    if (!this.stepping) {
      this.stepping = true;
      this.loop = this.run();
    }
    return id;
  }

  /** The reader is gone: drop its inbox, and cancel its sequence unless it finished (freed at the next step). */
  private leave(id: SequenceId): void {
    if (!this.inboxes.get(id)?.finished) this.decoder.cancel(id);
    this.inboxes.delete(id);
  }

  /** The step loop: one batched step at a time while any sequence waits or runs; requests join between steps. */
  private async run(): Promise<void> {
    try {
      for (let s = this.decoder.stats(); s.running + s.waiting > 0; s = this.decoder.stats()) {
        const events = await this.decoder.step();
        const running = this.decoder.stats().running;
        this.batch = running ? running + events.filter((e) => e.done && e.reason !== "cancelled").length : 0;
        for (const e of events) this.inboxes.get(e.id)?.push(e);
        await new Promise((r) => setImmediate(r)); // HTTP handlers run, new requests add() before the next step
      }
    } catch (e) {
      for (const [id, inbox] of this.inboxes) {
        inbox.fail(e);
        this.decoder.cancel(id);
      }
    } finally {
      this.batch = 0;
      this.stepping = false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const inbox of this.inboxes.values()) inbox.close();
    await this.loop;
    await this.decoder.close();
    await this.parts.scorer.close();
    this.parts.device?.destroy();
  }
}

/** One sequence's step events, in order, for the request reading them; null once closed (abort) or after failing. */
class Inbox {
  /** The sequence's last event arrived (it left the decoder). */
  finished = false;
  private readonly events: StepEvent[] = [];
  private wake: (() => void) | null = null;
  private closed = false;
  private error: { e: unknown } | null = null;

  /** request: a client's generation (counted as running until read out), not a scoring job. */
  constructor(readonly request: boolean) {}

  push(e: StepEvent): void {
    this.events.push(e);
    if (e.done) this.finished = true;
    this.wake?.();
  }

  close(): void {
    this.closed = true;
    this.wake?.();
  }

  fail(e: unknown): void {
    this.error = { e };
    this.wake?.();
  }

  async next(): Promise<StepEvent | null> {
    while (!this.events.length && !this.closed && !this.error) await new Promise<void>((r) => (this.wake = r));
    this.wake = null;
    if (this.error) throw this.error.e;
    if (this.closed) return null;
    return this.events.shift()!;
  }
}

/**
 * The k alternatives of a generated token from its logits row (V), with the decoder's own value for the token: a
 * greedy (argmax) token comes first and equals the largest alternative exactly.
 */
function alternatives(logits: Float32Array, token: number, logprob: number, k: number): TokenLogprob[] {
  const lp = logSoftmax(logits);
  const top = topOf(lp, k);
  return mergeTop(token, logprob, lp[token] >= top[0].logprob, top, k);
}

/** config.json's model kind, or undefined when it cannot be read (loadDecoder then names the problem). */
function modelKind(trainDir: string): string | undefined {
  const file = join(trainDir, "config.json");
  try {
    return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as { kind?: string }).kind : undefined;
  } catch {
    return undefined;
  }
}

function pick<T extends object, K extends keyof T>(o: T, ...keys: K[]): Partial<Pick<T, K>> {
  return Object.fromEntries(keys.filter((key) => o[key] !== undefined).map((key) => [key, o[key]])) as Partial<Pick<T, K>>;
}
