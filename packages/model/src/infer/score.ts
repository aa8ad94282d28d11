// The TokenScorer on @lathe/gpu: a train stage's outDir loaded onto a device once; windows sorted by length, batched
// under a token budget, run through the model's own forward with only the scored positions reaching the head
// (Fwd.rows), and reduced on the device to one log-probability and one argmax flag per scored position
// (ops.tokenScores), so only (M) values come back, never logits.
// Dimension letters: B windows in a batch, L their padded input length (≤ T, the context), V vocab, N rows (B*L).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type Device, noGrad, ops, sampleLogits, type Tensor } from "@lathe/gpu";
import type { ModelConfig } from "../config.ts";
import { CheckpointError } from "../errors.ts";
import { decodeSafetensors } from "../io/safetensors.ts";
import { buildModel, type LanguageModel } from "../nn/model.ts";
import { Rng } from "../rng.ts";
import { readTrainedConfig } from "./load.ts";
import type { GenerateOptions, ScoreWindow, TokenScorer, WindowScore } from "./token-scorer.ts";
import { deviceFor } from "../train/device.ts";

export interface LoadScorerOptions {
  /** A train stage's outDir: model.safetensors + config.json. */
  readonly trainDir: string;
  /** "auto" tries WebGPU and falls back to the CPU reference ops when no adapter exists. @default "auto" */
  readonly backend?: "auto" | "webgpu" | "cpu";
  /** Run on this device instead of acquiring one (close() then leaves it alive); `backend` is ignored. */
  readonly device?: Device;
  /**
   * Padded tokens per forward (B*L); lowered further so one batch's (N,V) logits fit a storage binding.
   * @default 4096
   */
  readonly maxBatchTokens?: number;
  /**
   * Id of <|endoftext|>: the train outDir does not record it, so pass the tokenizer's
   * (`tok.specialId("<|endoftext|>")`). @default config.json's `eot` when present, else -1 (unknown)
   */
  readonly eot?: number;
}

/** A window the scorer cannot take: which one, what is wrong with it, and how to fix it. */
export class ScoreWindowError extends Error {
  override readonly name = "ScoreWindowError";
  constructor(
    readonly index: number,
    readonly problem: string,
    readonly hint: string,
  ) {
    super(`window ${index}: ${problem}. Hint: ${hint}`);
  }
}

/** Load a trained model onto a device for scoring and generation. */
export async function loadScorer(opts: LoadScorerOptions): Promise<TokenScorer> {
  const cfg = readTrainedConfig(opts.trainDir);
  const modelFile = join(opts.trainDir, "model.safetensors");
  const modelBytes = readFileSync(modelFile);
  const digest = createHash("sha256").update(modelBytes).update(readFileSync(join(opts.trainDir, "config.json"))).digest("hex");
  const weights = decodeSafetensors(modelBytes, modelFile).tensors;
  const dev = opts.device ?? (await deviceFor(opts.backend ?? "auto"));
  const model = buildModel(dev, cfg, 0);
  for (const p of model.params.list) {
    const saved = weights.get(p.name);
    if (!saved || saved.data.length !== p.tensor.size) {
      throw new CheckpointError(modelFile, `tensor "${p.name}" is ${saved ? `[${saved.shape}]` : "missing"}, config.json's model needs [${p.shape}]`, "config.json and model.safetensors must come from the same train stage");
    }
    p.tensor.write(saved.data);
    // Out of every open scope: another caller's async tidy() on a shared device must not dispose the weights.
    dev.keep(p.tensor);
  }
  const eot = opts.eot ?? (cfg as ModelConfig & { eot?: number }).eot ?? -1;
  return new GpuScorer(dev, model, cfg, digest, eot, batchTokens(dev, cfg.vocab_size, opts.maxBatchTokens ?? 4096), opts.device === undefined);
}


/** The token budget, lowered so a batch's logits (N,V) take at most half the largest storage binding. */
function batchTokens(dev: Device, V: number, wanted: number): number {
  const limit = dev.backend.limits?.maxStorageBufferBindingSize ?? Number.POSITIVE_INFINITY;
  return Math.max(1, Math.min(Math.floor(wanted), Math.floor(limit / 2 / (4 * V))));
}

class GpuScorer implements TokenScorer {
  readonly context: number;
  readonly vocabSize: number;
  readonly backend: "webgpu" | "cpu";
  constructor(
    private readonly dev: Device,
    private readonly model: LanguageModel,
    cfg: ModelConfig,
    readonly digest: string,
    readonly eot: number,
    private readonly budget: number,
    private readonly ownsDevice: boolean,
  ) {
    this.context = cfg.context;
    this.vocabSize = cfg.vocab_size;
    this.backend = dev.kind;
  }

  async score(windows: readonly ScoreWindow[]): Promise<WindowScore[]> {
    windows.forEach((w, i) => this.check(w, i));
    // Longest first: each batch is padded to its first window's length, and B fits the budget at that length.
    const order = windows.map((_, i) => i).sort((a, b) => windows[b].tokens.length - windows[a].tokens.length || a - b);
    const out: WindowScore[] = new Array(windows.length);
    for (let s = 0; s < order.length; ) {
      const L = windows[order[s]].tokens.length - 1;
      const B = Math.max(1, Math.min(order.length - s, Math.floor(this.budget / L)));
      const batch = order.slice(s, s + B);
      const scores = await this.scoreBatch(batch.map((i) => windows[i]), L);
      batch.forEach((i, k) => (out[i] = scores[k]));
      s += B;
    }
    return out;
  }

  /** B windows right-padded to input length L (causal: padding after a position cannot change it). */
  private async scoreBatch(ws: readonly ScoreWindow[], L: number): Promise<WindowScore[]> {
    const B = ws.length;
    const ids = new Int32Array(B * L); // (B,L), padding 0
    // Only the scored positions (the continuations) go through the head: rows (M) into the N = B*L positions.
    const rows: number[] = [];
    const targets: number[] = [];
    const first: number[] = []; // each window's first index into rows
    ws.forEach((w, b) => {
      const n = w.tokens.length;
      for (let j = 0; j < n - 1; j++) ids[b * L + j] = w.tokens[j];
      first.push(rows.length);
      for (let j = w.from - 1; j < n - 1; j++) {
        rows.push(b * L + j);
        targets.push(w.tokens[j + 1]);
      }
    });
    const M = rows.length;
    const [logp, greedy] = await this.dev.tidy(async () => {
      const s = noGrad(() => {
        const f = { train: false, seed: 0, site: 0, rows: this.dev.tensor(Int32Array.from(rows), [M]) };
        const logits = this.model.forward(this.dev.tensor(ids, [B, L]), f); // (M,V)
        return ops.tokenScores(logits, this.dev.tensor(Int32Array.from(targets), [M]));
      });
      return [(await s.logprobs.read()) as Float32Array, (await s.greedy.read()) as Int32Array]; // (M), (M)
    });
    return ws.map((w, b) => {
      const k = w.tokens.length - w.from;
      const o = first[b]!;
      return { logprobs: Float64Array.from(logp.subarray(o, o + k)), greedy: Array.from(greedy.subarray(o, o + k), (g) => g === 1) };
    });
  }

  private check(w: ScoreWindow, i: number): void {
    const n = w.tokens.length;
    if (n < 2 || n > this.context + 1) throw new ScoreWindowError(i, `has ${n} tokens`, `a window holds 2..${this.context + 1} tokens (the context ${this.context}, plus the last target); left-truncate longer ones`);
    if (!Number.isInteger(w.from) || w.from < 1 || w.from >= n) throw new ScoreWindowError(i, `from = ${w.from} with ${n} tokens`, `score from an index in 1..${n - 1}; put a prefix token (eot) first to score the first token`);
    this.checkIds(w.tokens, i);
  }

  private checkIds(tokens: readonly number[], i: number): void {
    const bad = tokens.findIndex((t) => !Number.isInteger(t) || t < 0 || t >= this.vocabSize);
    if (bad >= 0) throw new ScoreWindowError(i, `token ${bad} is ${tokens[bad]}`, `ids are integers in 0..${this.vocabSize - 1} (this model's vocabulary)`);
  }

  async generate(prompt: readonly number[], o: GenerateOptions): Promise<number[]> {
    if (prompt.length === 0 && this.eot < 0) throw new ScoreWindowError(0, "the prompt is empty and the eot id is unknown", "pass eot to loadScorer, or a non-empty prompt");
    const ctx = prompt.length ? [...prompt] : [this.eot]; // an empty prompt starts from <|endoftext|>, as in training
    this.checkIds(ctx, 0);
    const rng = new Rng(o.seed ?? 0);
    const sample = { temperature: o.temperature ?? 0, topK: o.topK ?? 0, topP: o.topP ?? 1 };
    const out: number[] = [];
    while (out.length < o.maxTokens) {
      const id = sampleLogits(await this.lastLogits(ctx.slice(-this.context)), sample, () => rng.next());
      out.push(id);
      ctx.push(id);
      if (o.stop?.(out)) break;
    }
    return out;
  }

  /** Next-token logits (V) after ids (≤ T): the forward over the window, then only its last row is read. */
  private lastLogits(ids: readonly number[]): Promise<Float32Array> {
    const L = ids.length;
    return this.dev.tidy(async () => {
      const row = noGrad((): Tensor => {
        const logits = this.model.forward(this.dev.tensor(Int32Array.from(ids), [1, L]), { train: false, seed: 0, site: 0 }); // (L,V)
        return ops.embedding(this.dev.tensor(Int32Array.of(L - 1), [1]), logits); // (1,V): row L-1 gathered on the device
      });
      return (await row.read()) as Float32Array;
    });
  }

  async close(): Promise<void> {
    for (const p of this.model.params.list) p.tensor.dispose();
    if (this.ownsDevice) this.dev.destroy();
  }
}

