// Loading a train stage's GPT onto a device for decoding: the weights once (no gradients: the decode forward never
// records onto the autograd tape), the paged KV cache sized from maxTokens, and the device (WebGPU, or the CPU
// reference ops when asked or when "auto" finds no adapter). Dimension letters: L layers, S slots, C d_model.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type Device } from "@lathe/gpu";
import type { ModelConfig } from "../../config.ts";
import { CheckpointError } from "../../errors.ts";
import { decodeSafetensors } from "../../io/safetensors.ts";
import { Gpt } from "../../nn/gpt.ts";
import { buildModel } from "../../nn/model.ts";
import { readTrainedConfig } from "../load.ts";
import { Decoder } from "./decoder.ts";
import { DecodeError } from "./errors.ts";
import { modelTensors } from "./forward.ts";
import { deviceFor } from "../../train/device.ts";

export interface LoadDecoderOptions {
  /** A train stage's outDir: model.safetensors + config.json. */
  readonly trainDir: string;
  /** "auto" tries WebGPU and falls back to the CPU reference ops when no adapter exists. @default "auto" */
  readonly backend?: "auto" | "webgpu" | "cpu";
  /** Run on this device instead of acquiring one (close() then leaves it alive); `backend` is ignored. */
  readonly device?: Device;
  /** Sequences decoded in one step at most; more wait their turn. @default 16 */
  readonly maxSequences?: number;
  /**
   * Size of the KV cache pool in positions, all sequences together (rounded up to whole pages). A request is
   * admitted when the pages for its longest length are free. @default maxSequences * context
   */
  readonly maxTokens?: number;
  /** Positions per page of the pool. @default 16 */
  readonly pageSize?: number;
  /** Prompt tokens one sequence feeds per step at most (chunked prefill), so a long prompt does not stall the others. @default 32 */
  readonly prefillChunk?: number;
  /** Id of <|endoftext|>: a sampled eot finishes a sequence (reason "eot"). @default config.json's `eot`, else -1 (none) */
  readonly eot?: number;
}

/** Load a trained GPT and a paged KV cache onto a device for batched decoding. */
export async function loadDecoder(opts: LoadDecoderOptions): Promise<Decoder> {
  const cfg = readTrainedConfig(opts.trainDir);
  if (cfg.kind !== "gpt") throw new DecodeError(`model kind "${cfg.kind}" in ${join(opts.trainDir, "config.json")} has no batched decoder`, "decode gpt models here; rnn and hybrid models generate with loadScorer(...).generate or the HostModel");
  const T = cfg.context;
  const maxSequences = positiveInt("maxSequences", opts.maxSequences ?? 16);
  const pageSize = positiveInt("pageSize", opts.pageSize ?? 16);
  const prefillChunk = positiveInt("prefillChunk", opts.prefillChunk ?? 32);
  const maxTokens = positiveInt("maxTokens", opts.maxTokens ?? maxSequences * T);
  const pages = Math.ceil(maxTokens / pageSize);
  const slots = pages * pageSize; // S
  const bytes = cfg.n_layer * slots * cfg.d_model * 4;

  const modelFile = join(opts.trainDir, "model.safetensors");
  const modelBytes = readFileSync(modelFile);
  const digest = createHash("sha256").update(modelBytes).update(readFileSync(join(opts.trainDir, "config.json"))).digest("hex");
  const weights = decodeSafetensors(modelBytes, modelFile).tensors;
  const dev = opts.device ?? (await deviceFor(opts.backend ?? "auto"));
  const limit = dev.limits.maxStorageBufferBindingSize;
  if (bytes > limit) {
    if (!opts.device) dev.destroy();
    throw new DecodeError(`a KV cache of ${slots} positions needs ${bytes} bytes per keys/values buffer, over the adapter's binding limit of ${limit}`, `lower maxTokens to at most ${Math.floor(limit / (4 * cfg.n_layer * cfg.d_model))}`);
  }
  const model = buildModel(dev, cfg, 0);
  if (!(model instanceof Gpt)) throw new Error("buildModel gave no Gpt for a gpt config");
  for (const p of model.params.list) {
    const saved = weights.get(p.name);
    if (!saved || saved.data.length !== p.tensor.size) {
      throw new CheckpointError(modelFile, `tensor "${p.name}" is ${saved ? `[${saved.shape}]` : "missing"}, config.json's model needs [${p.shape}]`, "config.json and model.safetensors must come from the same train stage");
    }
    p.tensor.write(saved.data);
  }
  // Weights outlive every tidy() scope another caller may have open on this device, and never require grad.
  for (const t of modelTensors(model)) {
    dev.keep(t);
    t.requiresGrad = false;
  }
  const k = dev.keep(dev.zeros([cfg.n_layer, slots, cfg.d_model], "f32", { name: "kv.keys" })); // (L,S,C)
  const v = dev.keep(dev.zeros([cfg.n_layer, slots, cfg.d_model], "f32", { name: "kv.values" })); // (L,S,C)
  const eot = opts.eot ?? (cfg as ModelConfig & { eot?: number }).eot ?? -1;
  return new Decoder(dev, model, { k, v, pageSize }, { pages, maxSequences, prefillChunk, eot, digest, ownsDevice: opts.device === undefined });
}

/**
 * A decoder over a GPT already on a device (the policy an rl stage trains): it reads the model's current weights at
 * every step, so rollouts always sample from the latest policy; close() frees only the cache.
 */
export function decoderOnModel(dev: Device, model: Gpt, opts: { maxSequences: number; maxTokens: number; eot: number; pageSize?: number; prefillChunk?: number }): Decoder {
  const cfg = model.config;
  const pageSize = positiveInt("pageSize", opts.pageSize ?? 16);
  const pages = Math.ceil(positiveInt("maxTokens", opts.maxTokens) / pageSize);
  const slots = pages * pageSize; // S
  const k = dev.keep(dev.zeros([cfg.n_layer, slots, cfg.d_model], "f32", { name: "kv.keys" })); // (L,S,C)
  const v = dev.keep(dev.zeros([cfg.n_layer, slots, cfg.d_model], "f32", { name: "kv.values" })); // (L,S,C)
  const setup = { pages, maxSequences: positiveInt("maxSequences", opts.maxSequences), prefillChunk: positiveInt("prefillChunk", opts.prefillChunk ?? 64), eot: opts.eot, digest: "", ownsDevice: false, ownsWeights: false };
  return new Decoder(dev, model, { k, v, pageSize }, setup);
}

function positiveInt(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new DecodeError(`${name} is ${v}`, `${name} is a positive integer`);
  return v;
}


