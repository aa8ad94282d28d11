// Shared by the objectives' tests: the CPU reference device, a tiny GPT, and host-side log-softmax to check against.
import { type Device, getDevice } from "@lathe/gpu";
import { resolveModelConfig } from "../../config.ts";
import { buildModel, type LanguageModel } from "../../nn/model.ts";
import type { Fwd } from "../../nn/layers.ts";

export const V = 19; // vocab
export const T = 6; // positions

export async function cpu(): Promise<Device> {
  return getDevice({ backend: "cpu" });
}

/** A 1-layer GPT (d_model 16) with context T, init spread enough that log-probabilities differ by position. */
export function tinyGpt(dev: Device, seed = 7, section: Record<string, unknown> = {}): LanguageModel {
  return buildModel(dev, resolveModelConfig({ kind: "gpt", n_layer: 1, n_head: 2, d_model: 16, context: T, dropout: 0, init_std: 0.3, ...section }, V), seed);
}

export const evalFwd = (): Fwd => ({ train: false, seed: 0, site: 0 });

/** Host log-softmax of row n of (N,V) logits at token y. */
export function hostLogprob(logits: ArrayLike<number>, n: number, y: number, vocab = V): number {
  let max = -Infinity;
  for (let v = 0; v < vocab; v++) max = Math.max(max, logits[n * vocab + v]);
  let s = 0;
  for (let v = 0; v < vocab; v++) s += Math.exp(logits[n * vocab + v] - max);
  return logits[n * vocab + y] - max - Math.log(s);
}

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
