// Export a trained `gpt` (learned positions, LayerNorm, GELU, dense) as a Hugging Face GPT2LMHeadModel directory:
// model.safetensors with HF GPT-2 names (Lathe's names are GPT-2's under `transformer.`, and Lathe already stores
// linear weights (in, out) like GPT-2's Conv1D), config.json and tokenizer.json (the tokenizer stage's
// tokenizer.hf.json). The tensors are the model's description (arch/describe.ts) with biases: a bias-free model's
// become zeros. A µP model's query and readout multipliers, which GPT-2's config cannot express, are folded into
// c_attn and ln_f first (mup/fold.ts): exact. GPT-2's layout has no experts, so a mixture-of-experts model is refused.
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeHfTokenizerConfig } from "@lathe/tokenizer";
import { describeArch } from "../arch/describe.ts";
import { type GptConfig, mlpHidden } from "../config.ts";
import { CheckpointError, ModelConfigError } from "../errors.ts";
import { writeFileAtomic } from "../io/atomic.ts";
import { readSafetensors, type TensorMap, writeSafetensors } from "../io/safetensors.ts";
import { foldMup } from "../mup/fold.ts";
import { readTrainedConfig } from "./load.ts";

export interface ExportHfOptions {
  readonly trainDir: string;
  readonly tokenizerDir: string;
  readonly outDir: string;
}

/** Why a config cannot be a GPT2LMHeadModel, or null when it can. */
export function hfIncompatibility(cfg: ReturnType<typeof readTrainedConfig>): { pointer: string; value: unknown; hint: string } | null {
  if (cfg.kind !== "gpt") return { pointer: "/model/kind", value: cfg.kind, hint: "Hugging Face export supports kind: gpt only" };
  if (cfg.moe) return { pointer: "/model/moe", value: cfg.moe, hint: "GPT-2's layout has no experts; Hugging Face export needs a dense model (no model.moe)" };
  if (cfg.pos !== "learned") return { pointer: "/model/pos", value: cfg.pos, hint: "GPT-2 uses learned positions; set pos: learned" };
  if (cfg.norm !== "layernorm") return { pointer: "/model/norm", value: cfg.norm, hint: "GPT-2 uses LayerNorm; set norm: layernorm" };
  if (cfg.mlp !== "gelu") return { pointer: "/model/mlp", value: cfg.mlp, hint: "GPT-2 uses a GELU MLP; set mlp: gelu" };
  return null;
}

/** HF GPT-2 name of a Lathe tensor: the same under `transformer.`, but the head. */
export const hfName = (name: string): string => (name.startsWith("lm_head.") ? name : `transformer.${name}`);

/** HF GPT-2 tensors from Lathe's: every tensor of the description with biases, missing biases as zeros. */
export function toHfTensors(cfg: GptConfig, w: TensorMap): TensorMap {
  const out: TensorMap = new Map();
  for (const p of describeArch({ ...cfg, bias: true }).params) {
    const t = w.get(p.name);
    const n = p.shape.reduce((a, b) => a * b, 1);
    if (!t && !p.name.endsWith(".bias")) throw new CheckpointError("model.safetensors", `tensor "${p.name}" is missing`, "the weights do not belong to this config.json");
    const data = t ? t.data : new Float32Array(n); // a bias-free model's biases
    if (data.length !== n) throw new CheckpointError("model.safetensors", `"${p.name}" has ${data.length} values, expected [${p.shape}]`, "the weights do not belong to this config.json");
    out.set(hfName(p.name), { data, shape: [...p.shape] });
  }
  return out;
}

export function hfConfig(cfg: GptConfig, eot: number | null): Record<string, unknown> {
  return {
    architectures: ["GPT2LMHeadModel"],
    model_type: "gpt2",
    vocab_size: cfg.vocab_size,
    n_positions: cfg.context,
    n_ctx: cfg.context,
    n_embd: cfg.d_model,
    n_layer: cfg.n_layer,
    n_head: cfg.n_head,
    n_inner: mlpHidden(cfg.d_model, cfg.mlp_ratio),
    activation_function: "gelu_new", // tanh approximation, as Lathe's GELU
    resid_pdrop: cfg.dropout,
    embd_pdrop: cfg.dropout,
    attn_pdrop: 0,
    layer_norm_epsilon: 1e-5,
    initializer_range: cfg.init_std,
    scale_attn_weights: true,
    tie_word_embeddings: cfg.tie_embeddings,
    bos_token_id: eot,
    eos_token_id: eot,
    torch_dtype: "float32",
  };
}

export async function exportHf(o: ExportHfOptions): Promise<void> {
  const cfg = readTrainedConfig(o.trainDir);
  const bad = hfIncompatibility(cfg);
  if (bad) throw new ModelConfigError(bad.pointer, bad.value, "cannot export as GPT2LMHeadModel", bad.hint);
  const hfTok = join(o.tokenizerDir, "tokenizer.hf.json");
  if (!existsSync(hfTok)) throw new CheckpointError(hfTok, "missing", "the tokenizer stage writes tokenizer.hf.json; rebuild it");
  const { cfg: gpt, weights } = foldMup(cfg as GptConfig, readSafetensors(join(o.trainDir, "model.safetensors")).tensors);
  mkdirSync(o.outDir, { recursive: true });
  writeSafetensors(join(o.outDir, "model.safetensors"), toHfTensors(gpt, weights), { format: "pt" });
  const tokText = readFileSync(hfTok, "utf8");
  const tokJson = JSON.parse(tokText) as { added_tokens?: { id: number; content: string }[] };
  const eot = tokJson.added_tokens?.find((t) => t.content === "<|endoftext|>")?.id ?? null;
  writeFileAtomic(join(o.outDir, "config.json"), `${JSON.stringify(hfConfig(gpt, eot), null, 2)}\n`);
  writeFileAtomic(join(o.outDir, "tokenizer.json"), tokText); // a copy the user owns (cache files are read-only)
  writeHfTokenizerConfig(o.outDir, tokJson, { modelMaxLength: gpt.context }); // chat_template, bos/eos, specials
}
