// The language-model interface shared by gpt, rnn and hybrid, and the factory that builds one from a config.
// Dimension letters: B batch, T time, V vocab, N rows (B*T).
import type { Device, Tensor } from "@lathe/gpu";
import type { ArchSpec } from "../arch/types.ts";
import type { ModelConfig } from "../config.ts";
import { Gpt } from "./gpt.ts";
import { Hybrid } from "./hybrid.ts";
import type { Fwd } from "./layers.ts";
import type { MoeMlp } from "./moe.ts";
import { ParamStore } from "./params.ts";
import { Rnn } from "./rnn.ts";

export interface LanguageModel {
  readonly config: ModelConfig;
  readonly params: ParamStore;
  /** The description its parameters were created from (arch/describe.ts). */
  readonly arch: ArchSpec;
  /** Next-token logits for every position (or for f.rows only): head(rows of hidden). */
  forward(ids: Tensor /* (B,T) i32 */, f: Fwd): Tensor /* (N,V) */;
  /** The trunk: the hidden state the head reads, at every position (W = width). */
  hidden(ids: Tensor /* (B,T) i32 */, f: Fwd): Tensor /* (N,W) */;
  /** The language-model head on rows of hidden states. */
  head(h: Tensor /* (M,W) */): Tensor /* (M,V) */;
  /** W: the hidden size the head reads (d_model, or the rnn's hidden). */
  readonly width: number;
  /** Its mixture-of-experts layers (train/aux.ts reads their losses and statistics); none for a dense model. */
  readonly moe?: readonly MoeMlp[];
}

/** Build a model with deterministic init from (seed, parameter name). */
export function buildModel(dev: Device, cfg: ModelConfig, seed: number): LanguageModel {
  const ps = new ParamStore(dev, seed);
  const model = cfg.kind === "gpt" ? new Gpt(ps, cfg) : cfg.kind === "rnn" ? new Rnn(ps, cfg) : new Hybrid(ps, cfg);
  const unused = ps.untaken();
  if (unused.length > 0) throw new Error(`the ${cfg.kind} forward does not use ${unused.join(", ")} of its description`);
  return model;
}
