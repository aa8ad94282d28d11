// Resolved model and train configs: the recipe sections with every default filled in by @lathe/recipe's validator
// (the schemas are the single source of truth), checked for what the schema cannot say (d_model % n_head, tied
// sizes), plus vocab_size. Schema problems are a SectionValueError at the field; cross-field ones a ModelConfigError.
import { withSectionDefaults } from "@lathe/recipe";
import { ModelConfigError } from "./errors.ts";

export type Norm = "layernorm" | "rmsnorm";
export type MlpKind = "gelu" | "swiglu";
export type Cell = "lstm" | "gru";
export type BlockKind = "attention" | "recurrent" | "mlp";

export interface GptConfig {
  readonly kind: "gpt";
  readonly vocab_size: number;
  readonly n_layer: number;
  readonly n_head: number;
  readonly d_model: number;
  readonly context: number;
  readonly norm: Norm;
  readonly mlp: MlpKind;
  readonly mlp_ratio: number;
  readonly pos: "learned" | "rope";
  readonly rope_base: number;
  readonly tie_embeddings: boolean;
  readonly bias: boolean;
  readonly dropout: number;
  readonly init_std: number;
  readonly parametrization: "standard" | "mup";
  /** resolved: 0 in the recipe means d_model (the model is its own base). */
  readonly base_width: number;
}
export interface RnnConfig {
  readonly kind: "rnn";
  readonly vocab_size: number;
  readonly cell: Cell;
  readonly n_layer: number;
  readonly hidden: number;
  readonly embedding: number; // resolved: 0 in the recipe means hidden
  readonly context: number;
  readonly tie_embeddings: boolean;
  readonly dropout: number;
  readonly init_std: number;
}
export interface HybridConfig {
  readonly kind: "hybrid";
  readonly vocab_size: number;
  readonly blocks: readonly BlockKind[];
  readonly n_head: number;
  readonly d_model: number;
  readonly context: number;
  readonly cell: Cell;
  readonly norm: Norm;
  readonly mlp: MlpKind;
  readonly mlp_ratio: number;
  readonly pos: "learned" | "rope" | "none";
  readonly rope_base: number;
  readonly tie_embeddings: boolean;
  readonly bias: boolean;
  readonly dropout: number;
  readonly init_std: number;
}
export type ModelConfig = GptConfig | RnnConfig | HybridConfig;

export interface SampleConfig {
  readonly prompt: string;
  readonly max_tokens: number;
  readonly temperature: number;
  readonly top_k: number;
  readonly top_p: number;
  readonly seed: number;
}
export interface TrainConfig {
  readonly backend: "auto" | "webgpu" | "cpu";
  readonly batch_size: number;
  readonly grad_accum: number;
  readonly steps: number;
  readonly tokens: number;
  readonly time_budget: number | string; // as written; see parseDuration
  readonly lr: number;
  readonly min_lr: number;
  readonly schedule: "cosine" | "linear" | "constant";
  readonly warmup_steps: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weight_decay: number;
  readonly grad_clip: number;
  readonly eval_every: number;
  readonly eval_batches: number;
  readonly log_every: number;
  readonly checkpoint_every: number;
  readonly checkpoint_minutes: number;
  readonly sample: SampleConfig;
}

/** The `model:` section with every default of its kind filled in (what the train stage hashes). */
export function modelSectionDefaults(section: unknown): Record<string, unknown> {
  return withSectionDefaults<Record<string, unknown>>("model", structuredClone(section ?? {}));
}

/** The `model:` section with defaults, for the given vocabulary size (from the tokenizer's meta.json). */
export function resolveModelConfig(section: unknown, vocabSize: number, pointer = "/model"): ModelConfig {
  const cfg = { ...modelSectionDefaults(section), vocab_size: vocabSize } as Record<string, unknown>;
  if (cfg.kind === "gpt" || cfg.kind === "hybrid") {
    const C = cfg.d_model as number;
    const H = cfg.n_head as number;
    if (C % H !== 0) throw new ModelConfigError(`${pointer}/n_head`, H, `d_model ${C} is not divisible by n_head`, `pick n_head dividing ${C}, e.g. ${divisorNear(C, H)}`);
    if (cfg.pos === "rope" && (C / H) % 2 !== 0) throw new ModelConfigError(`${pointer}/pos`, "rope", `head size ${C / H} is odd`, "rope rotates pairs of channels: make d_model / n_head even");
  }
  if (cfg.kind === "gpt") {
    if (cfg.base_width === 0) cfg.base_width = cfg.d_model;
    const base = cfg.base_width as number;
    const H = cfg.n_head as number;
    // The base model is this config at d_model = base_width: it must be a model that could be built.
    if (cfg.parametrization === "mup" && base % H !== 0) throw new ModelConfigError(`${pointer}/base_width`, base, `the base model's d_model ${base} is not divisible by n_head ${H}`, `pick a base_width that n_head divides, e.g. ${Math.max(H, Math.round(base / H) * H)}`);
    if (cfg.parametrization === "mup" && cfg.pos === "rope" && (base / H) % 2 !== 0) throw new ModelConfigError(`${pointer}/base_width`, base, `the base model's head size ${base / H} is odd`, "rope rotates pairs of channels: make base_width / n_head even");
  }
  if (cfg.kind === "rnn") {
    if (cfg.embedding === 0) cfg.embedding = cfg.hidden;
    if (cfg.tie_embeddings && cfg.embedding !== cfg.hidden) {
      throw new ModelConfigError(`${pointer}/tie_embeddings`, true, `embedding ${cfg.embedding} differs from hidden ${cfg.hidden}`, "tying needs embedding == hidden (or 0)");
    }
  }
  return cfg as unknown as ModelConfig;
}

/** The `train:` section with defaults. */
export function resolveTrainConfig(section: unknown, pointer = "/train"): TrainConfig {
  const cfg = withSectionDefaults<TrainConfig>("train", structuredClone(section ?? {}));
  parseDuration(cfg.time_budget, `${pointer}/time_budget`);
  return cfg;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/** "10m", "90s", "1.5h", "500ms", "9m30s", "1h 15m" or a number of seconds → milliseconds (0 = none). */
export function parseDuration(v: number | string, pointer = "/train/time_budget"): number {
  if (typeof v === "number") return v * 1000;
  const bare = /^\s*([0-9]+(?:\.[0-9]+)?)\s*$/.exec(v);
  if (bare) return Number(bare[1]) * 1000;
  const parts = /^\s*(?:[0-9]+(?:\.[0-9]+)?\s*(?:ms|min|s|m|h)\s*)+$/.test(v) ? [...v.matchAll(/([0-9]+(?:\.[0-9]+)?)\s*(ms|min|s|m|h)/g)] : [];
  if (parts.length === 0) throw new ModelConfigError(pointer, v, "not a duration", 'write e.g. "10m", "90s", "9m30s", "1.5h" or a number of seconds');
  return parts.reduce((ms, p) => ms + Number(p[1]) * UNIT_MS[p[2]!]!, 0);
}

/** Feed-forward hidden width for a block of width C. */
export function mlpHidden(C: number, ratio: number): number {
  return Math.max(1, Math.round(C * ratio));
}

function divisorNear(C: number, H: number): number {
  for (let d = 0; d < C; d++) {
    if (H - d > 0 && C % (H - d) === 0) return H - d;
    if (C % (H + d) === 0) return H + d;
  }
  return 1;
}
