// The language-model interface shared by gpt, rnn and hybrid, and the factory that builds one from a config.
// Dimension letters: B batch, T time, V vocab, N rows (B*T).
import type { Device, Tensor } from "@lathe/gpu";
import type { ModelConfig } from "../config.ts";
import { Gpt } from "./gpt.ts";
import { Hybrid } from "./hybrid.ts";
import type { Fwd } from "./layers.ts";
import { ParamStore } from "./params.ts";
import { Rnn } from "./rnn.ts";

export interface LanguageModel {
  readonly config: ModelConfig;
  readonly params: ParamStore;
  /** Next-token logits for every position. */
  forward(ids: Tensor /* (B,T) i32 */, f: Fwd): Tensor /* (N,V) */;
}

/** Build a model with deterministic init from (seed, parameter name). */
export function buildModel(dev: Device, cfg: ModelConfig, seed: number): LanguageModel {
  const ps = new ParamStore(dev, seed);
  if (cfg.kind === "gpt") return new Gpt(ps, cfg);
  if (cfg.kind === "rnn") return new Rnn(ps, cfg);
  return new Hybrid(ps, cfg);
}
