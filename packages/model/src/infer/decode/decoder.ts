// The batched decoder: many sequences advanced together, one token each per step, in ONE forward over the paged KV
// cache (forward.ts), with continuous batching: requests wait until a sequence slot and the pages for their longest
// length are free, join between steps, prefill their prompts in chunks (so a long prompt does not stall the others),
// and leave as soon as they finish, giving their pages back. Each sequence samples from its own seeded generator on
// its own logits row, so a seeded request gives the same tokens whatever else is in the batch: the host draws one
// uniform per sampled row from the sequence's generator (as sampleLogits would), the device filters and draws
// (ops.sampleRows), and a step reads back B tokens and B log-probabilities (the logits only when a request asks).
//
// Concurrency: the decode forward records nothing on the autograd tape (the weights do not require grad), and it runs
// inside one synchronous dev.tidy() whose result is kept (dev.keep); gradient mode and tidy scopes are per async
// context in @lathe/gpu, so concurrent callers cannot switch each other's gradients off or free each other's tensors.
// step() calls are serialized.
// Dimension letters: N rows of a step, B rows with logits, V vocab, T context, R sequence slots, M pages per sequence.
import { type Device, noGrad, type Tensor } from "@lathe/gpu";
import type { Gpt } from "../../nn/gpt.ts";
import { Rng } from "../../rng.ts";
import { DecodeError } from "./errors.ts";
import { decodeSample, type KvCache, modelTensors } from "./forward.ts";
import { PagePool } from "./pages.ts";

export type SequenceId = number;
export type FinishReason = "length" | "stop" | "eot" | "cancelled" | "context";

export interface DecodeOptions {
  /** Tokens to generate at most, the last one included (then reason "length"). */
  readonly maxTokens: number;
  /** Softmax temperature; 0 is greedy (argmax, lowest id on ties). @default 0 */
  readonly temperature?: number;
  /** Keep the k most likely tokens; 0 keeps all. @default 0 */
  readonly topK?: number;
  /** Nucleus: keep the smallest set with probability >= topP. @default 1 */
  readonly topP?: number;
  /** Seed of this sequence's own generator. @default 0 */
  readonly seed?: number;
  /** Ids that finish the sequence when generated (reason "stop"); the stop token is reported. @default [] */
  readonly stop?: readonly number[];
  /** Report each step's next-token logits (V) in the event (tests, debugging). @default false */
  readonly logits?: boolean;
  /**
   * When the cache reaches the context, go on from the last ceil(T/2) tokens (re-prefilled into the sequence's own
   * pages) instead of finishing with "context" — HostModel's sampler does the same, so `lathe sample` can run past
   * the context with the same tokens. @default false
   */
  readonly slide?: boolean;
}

export interface StepEvent {
  readonly id: SequenceId;
  /** The generated token; -1 when the sequence was cancelled. */
  readonly token: number;
  /** ln p(token) under the model's distribution (before temperature, top-k, top-p); 0 when cancelled. */
  readonly logprob: number;
  readonly done: boolean;
  /** Why it finished (on the last event only). */
  readonly reason?: FinishReason;
  /** The next-token logits (V) the token was drawn from, when the request asked for them. */
  readonly logits?: Float32Array;
}

export interface Generation {
  /** Every generated token, the one that finished the sequence (eot, a stop id) included. */
  readonly tokens: number[];
  readonly reason: FinishReason;
}

export interface DecoderStats {
  readonly running: number;
  readonly waiting: number;
  /** Pages in the pool, and those neither in use nor promised to a running sequence. */
  readonly pages: number;
  readonly freePages: number;
  readonly availablePages: number;
  readonly pageSize: number;
}

/** How a Decoder was set up (see LoadDecoderOptions). */
export interface DecoderSetup {
  readonly pages: number;
  readonly maxSequences: number;
  readonly prefillChunk: number;
  readonly eot: number;
  readonly digest: string;
  readonly ownsDevice: boolean;
  /** close() frees the weights (false: they belong to a model being trained). @default true */
  readonly ownsWeights?: boolean;
}

interface Seq {
  readonly id: SequenceId;
  prompt: readonly number[]; // what is (re)fed from position 0: the request, or after a slide the end of history
  o: DecodeOptions;
  readonly rng: () => number;
  readonly stop: ReadonlySet<number>;
  /** Pages it may still take from its reservation. */
  promised: number;
  slot: number; // page-table row, -1 while waiting
  fed: number; // positions in the cache
  next: number; // token to feed next (the last generated)
  readonly tokens: number[];
  /** Prompt and generated tokens so far (what a slide keeps the end of). */
  readonly history: number[];
  reason: FinishReason | null;
  cancelled: boolean;
}

export class Decoder {
  readonly context: number;
  readonly vocabSize: number;
  readonly backend: "webgpu" | "cpu";
  readonly eot: number;
  /** sha256 over model.safetensors and config.json (as the scorer's). */
  readonly digest: string;
  private readonly pool: PagePool;
  private readonly waiting: Seq[] = [];
  private readonly running: Seq[] = [];
  private readonly live = new Map<SequenceId, Seq>();
  private readonly freeSlots: number[];
  private nextId = 1;
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly dev: Device,
    private readonly model: Gpt,
    private readonly cache: KvCache,
    private readonly setup: DecoderSetup,
  ) {
    const cfg = model.config;
    this.context = cfg.context;
    this.vocabSize = cfg.vocab_size;
    this.backend = dev.kind;
    this.eot = setup.eot;
    this.digest = setup.digest;
    this.pool = new PagePool(setup.pages, cache.pageSize, setup.maxSequences, Math.ceil(cfg.context / cache.pageSize));
    this.freeSlots = Array.from({ length: setup.maxSequences }, (_, i) => setup.maxSequences - 1 - i);
  }

  /** Queue a request; it joins the batch at the next step with room for it. An empty prompt starts from eot. */
  add(prompt: readonly number[], o: DecodeOptions): SequenceId {
    this.checkOpen();
    const ids = prompt.length ? [...prompt] : this.eot >= 0 ? [this.eot] : null;
    if (!ids) throw new DecodeError("the prompt is empty and the eot id is unknown", "pass eot to loadDecoder, or a non-empty prompt");
    const bad = ids.findIndex((t) => !Number.isInteger(t) || t < 0 || t >= this.vocabSize);
    if (bad >= 0) throw new DecodeError(`prompt token ${bad} is ${ids[bad]}`, `ids are integers in 0..${this.vocabSize - 1} (this model's vocabulary)`);
    if (ids.length > this.context) throw new DecodeError(`the prompt has ${ids.length} tokens, more than the context of ${this.context}`, `left-truncate it to its last ${this.context} tokens`);
    if (!Number.isInteger(o.maxTokens) || o.maxTokens < 1) throw new DecodeError(`maxTokens is ${o.maxTokens}`, "ask for at least 1 token");
    if ((o.temperature ?? 0) < 0 || (o.topP ?? 1) <= 0 || (o.topK ?? 0) < 0) throw new DecodeError(`temperature ${o.temperature}, topK ${o.topK}, topP ${o.topP}`, "temperature >= 0 (0: greedy), topK >= 0 (0: all), 0 < topP <= 1");
    const need = this.pagesNeeded(ids.length, o.maxTokens);
    if (need > this.pool.pages) throw new DecodeError(`the request needs ${need} pages of ${this.pool.pageSize} positions, the pool has ${this.pool.pages}`, `raise maxTokens of loadDecoder to at least ${need * this.pool.pageSize}, or lower this request's maxTokens`);
    const rng = new Rng(o.seed ?? 0);
    const s: Seq = {
      id: this.nextId++, prompt: ids, o, rng: () => rng.next(), stop: new Set(o.stop ?? []), promised: 0, slot: -1, fed: 0, next: -1,
      tokens: [], history: [...ids], reason: null, cancelled: false,
    };
    this.waiting.push(s);
    this.live.set(s.id, s);
    return s.id;
  }

  /** Finish a waiting or running sequence at the next step (its event has reason "cancelled"). False if unknown or done. */
  cancel(id: SequenceId): boolean {
    const s = this.live.get(id);
    if (!s || s.cancelled) return false;
    s.cancelled = true;
    return true;
  }

  /**
   * Advance every running sequence by one token in one batched forward: cancelled sequences leave (an event each),
   * waiting ones join, a sequence still prefilling feeds its next chunk (and reports nothing until its prompt is in).
   */
  step(): Promise<StepEvent[]> {
    const run = this.tail.then(() => this.stepNow());
    this.tail = run.catch(() => {});
    return run;
  }

  /** add(), then step until this sequence finishes (other sequences advance alongside). */
  async generate(prompt: readonly number[], o: DecodeOptions): Promise<Generation> {
    const s = this.live.get(this.add(prompt, o))!;
    while (s.reason === null) await this.step();
    return { tokens: [...s.tokens], reason: s.reason };
  }

  stats(): DecoderStats {
    const p = this.pool;
    return { running: this.running.length, waiting: this.waiting.length, pages: p.pages, freePages: p.freePages, availablePages: p.available, pageSize: p.pageSize };
  }

  /** Free the weights and the cache (and the device when the decoder acquired it). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.tail;
    for (const t of [...(this.setup.ownsWeights === false ? [] : modelTensors(this.model)), this.cache.k, this.cache.v]) t.dispose();
    if (this.setup.ownsDevice) this.dev.destroy();
  }

  /** Pages for the longest a request can get: its prompt and every generated token but the last, up to the context. */
  private pagesNeeded(promptLen: number, maxTokens: number): number {
    return this.pool.pagesFor(Math.min(promptLen + maxTokens - 1, this.context));
  }

  private async stepNow(): Promise<StepEvent[]> {
    this.checkOpen();
    const events: StepEvent[] = [];
    for (const s of [...this.waiting, ...this.running]) if (s.cancelled) events.push(this.finish(s, "cancelled"));
    this.admit();
    const ids: number[] = [];
    const pos: number[] = [];
    const seq: number[] = [];
    const emit: Seq[] = [];
    const last: number[] = [];
    const feed = (s: Seq, token: number): void => {
      if (this.pool.ensure(s.slot, s.fed)) s.promised--;
      ids.push(token);
      pos.push(s.fed++);
      seq.push(s.slot);
    };
    for (const s of this.running) {
      if (s.fed < s.prompt.length) {
        for (const t of s.prompt.slice(s.fed, s.fed + this.setup.prefillChunk)) feed(s, t);
        if (s.fed < s.prompt.length) continue; // more prompt next step
      } else feed(s, s.next);
      emit.push(s);
      last.push(ids.length - 1);
    }
    if (ids.length === 0) return events;

    const rows = { ids: Int32Array.from(ids), pos: Int32Array.from(pos), seq: Int32Array.from(seq), last: Int32Array.from(last) };
    const B = emit.length;
    const sampling = { temperature: new Float32Array(B), topK: new Int32Array(B), topP: new Float32Array(B), uniform: new Float32Array(B) };
    emit.forEach((s, b) => {
      sampling.temperature[b] = s.o.temperature ?? 0;
      sampling.topK[b] = s.o.topK ?? 0;
      sampling.topP[b] = s.o.topP ?? 1;
      // a draw only for a sampled row, as sampleLogits; kept below 1 once rounded to f32
      sampling.uniform[b] = (s.o.temperature ?? 0) > 0 ? Math.min(s.rng(), 1 - 2 ** -24) : 0;
    });
    const wantLogits = emit.some((s) => s.o.logits);
    // noGrad: a decoder sharing a model that is being trained (rl rollouts) records nothing either.
    const out: Tensor[] = noGrad(() => this.dev.tidy(() => {
      const r = decodeSample(this.dev, this.model, this.cache, this.pool.table, this.pool.rows, rows, sampling);
      return (wantLogits ? [r.tokens, r.logprob, r.logits] : [r.tokens, r.logprob]).map((t) => this.dev.keep(t));
    }));
    let got: Awaited<ReturnType<Tensor["read"]>>[];
    try {
      got = await Promise.all(out.map((t) => t.read())); // tokens (B), logprob (B), logits (B,V) when asked
    } finally {
      for (const t of out) t.dispose();
    }
    const [tokens, logprobs, data] = got as [Int32Array, Float32Array, Float32Array | undefined];
    const V = this.vocabSize;
    emit.forEach((s, b) => {
      const token = tokens[b];
      s.tokens.push(token);
      s.history.push(token);
      const reason: FinishReason | null =
        token === this.eot ? "eot"
        : s.stop.has(token) ? "stop"
        : s.tokens.length >= s.o.maxTokens ? "length"
        : s.fed >= this.context && !s.o.slide ? "context"
        : null;
      const logprob = logprobs[b];
      const extra = s.o.logits && data ? { logits: data.slice(b * V, (b + 1) * V) } : {};
      if (reason) this.finish(s, reason);
      else if (s.fed >= this.context) this.slide(s);
      else s.next = token;
      events.push({ id: s.id, token, logprob, done: reason !== null, ...(reason ? { reason } : {}), ...extra });
    });
    return events;
  }

  /** Admit waiting requests in order while a slot and their pages are free (the first that does not fit waits, and so do those behind it). */
  private admit(): void {
    while (this.waiting.length && this.freeSlots.length) {
      const s = this.waiting[0];
      const need = this.pagesNeeded(s.prompt.length, s.o.maxTokens);
      if (!this.pool.reserve(need)) return;
      this.waiting.shift();
      s.promised = need;
      s.slot = this.freeSlots.pop()!;
      this.running.push(s);
    }
  }

  /** The cache is full: refeed the last ceil(T/2) tokens from position 0 (the slot keeps its pages for them). */
  private slide(s: Seq): void {
    s.prompt = s.history.slice(-Math.ceil(this.context / 2));
    s.fed = 0;
  }

  /** Take s out of the batch (or the queue), give back its pages and slot; returns its cancel event. */
  private finish(s: Seq, reason: FinishReason): StepEvent {
    s.reason = reason;
    this.live.delete(s.id);
    if (s.slot < 0) this.waiting.splice(this.waiting.indexOf(s), 1);
    else {
      this.pool.release(s.slot, s.promised);
      this.freeSlots.push(s.slot);
      this.freeSlots.sort((a, b) => b - a);
      this.running.splice(this.running.indexOf(s), 1);
      s.slot = -1;
      s.promised = 0;
    }
    return { id: s.id, token: -1, logprob: 0, done: true, reason };
  }

  private checkOpen(): void {
    if (this.closed) throw new DecodeError("the decoder is closed", "load a new one with loadDecoder");
  }
}
