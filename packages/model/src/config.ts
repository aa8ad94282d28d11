// Resolved model and train configs: the recipe sections with every default filled in by @lathe/recipe's validator
// (the schemas are the single source of truth, and their generated types are these configs' types), checked for
// what the schema cannot say (d_model % n_head, tied sizes, top_k <= experts), plus vocab_size. Schema problems are
// a SectionValueError at the field; cross-field ones a ModelConfigError, or, when the train stage is planned, a
// RecipeError at the recipe's file:line:col (planModelChecks), so `lathe build --dry` finds them before any stage runs.
import { type Gpt, type Hybrid, type PlanContext, RecipeError, type RecipeIssue, type Rnn, type Train, withSectionDefaults } from "@lathe/recipe";
import { ModelConfigError } from "./errors.ts";

/** The model.moe fields (schemas/sections/model.schema.json). */
export type MoeConfig = NonNullable<Gpt["moe"]>;
/**
 * A resolved section of one kind: the generated recipe type, read-only, with vocab_size. `moe` is absent for a dense
 * model (config.json files written before it existed have no such key, and modelSectionDefaults drops its null).
 */
type Resolved<S> = Readonly<Omit<S, "moe">> & { readonly vocab_size: number };
type WithMoe = { readonly moe?: MoeConfig | null };
export type GptConfig = Resolved<Gpt> & WithMoe;
export type RnnConfig = Resolved<Rnn>;
export type HybridConfig = Resolved<Hybrid> & WithMoe;
export type ModelConfig = GptConfig | RnnConfig | HybridConfig;
export type Norm = Gpt["norm"];
export type MlpKind = Gpt["mlp"];
export type Cell = Rnn["cell"];
export type BlockKind = Hybrid["blocks"][number];
export type TrainConfig = Readonly<Train>;
export type SampleConfig = Readonly<Train["sample"]>;

/**
 * The `model:` section with every default of its kind filled in (what the train stage hashes). A null `moe` (the
 * default: a dense model) is left out, so a dense model's key and config.json are what they were before MoE existed.
 */
export function modelSectionDefaults(section: unknown): Record<string, unknown> {
  const m = withSectionDefaults<Record<string, unknown>>("model", structuredClone(section ?? {}));
  if (m.moe === null) delete m.moe;
  return m;
}

/** The `model:` section with defaults, for the given vocabulary size (from the tokenizer's meta.json). */
export function resolveModelConfig(section: unknown, vocabSize: number, pointer = "/model"): ModelConfig {
  const cfg = { ...modelSectionDefaults(section), vocab_size: vocabSize } as Record<string, unknown>;
  const bad = modelIssues(cfg, {}, pointer).find((i) => i.severity === "error");
  if (bad) throw new ModelConfigError(bad.pointer, bad.value, bad.problem, bad.hint);
  if (cfg.kind === "gpt" && cfg.base_width === 0) cfg.base_width = cfg.d_model;
  if (cfg.kind === "rnn" && cfg.embedding === 0) cfg.embedding = cfg.hidden;
  return cfg as unknown as ModelConfig;
}

/** A cross-field problem of a model section: an error (it cannot be built) or a warning (it trains badly). */
export interface ModelIssue {
  readonly severity: "error" | "warning";
  readonly pointer: string;
  readonly value: unknown;
  readonly problem: string;
  readonly hint: string;
}

/**
 * Every check of a model section (defaults applied) the schema cannot express. `tokens`: tokens per training
 * forward (batch_size * context), for the MoE capacity warning; without it that check is skipped.
 */
export function modelIssues(m: Record<string, unknown>, opts: { readonly tokens?: number } = {}, pointer = "/model"): ModelIssue[] {
  const out: ModelIssue[] = [];
  const error = (field: string, value: unknown, problem: string, hint: string) => out.push({ severity: "error", pointer: `${pointer}/${field}`, value, problem, hint });
  if (m.kind === "gpt" || m.kind === "hybrid") {
    const C = m.d_model as number;
    const H = m.n_head as number;
    if (C % H !== 0) error("n_head", H, `d_model ${C} is not divisible by n_head`, `pick n_head dividing ${C}, e.g. ${divisorNear(C, H)}`);
    else if (m.pos === "rope" && (C / H) % 2 !== 0) error("pos", "rope", `head size ${C / H} is odd`, "rope rotates pairs of channels: make d_model / n_head even");
  }
  if (m.kind === "gpt" && m.parametrization === "mup" && out.length === 0) {
    // The base model is this config at d_model = base_width: it must be a model that could be built.
    const base = (m.base_width as number) || (m.d_model as number);
    const H = m.n_head as number;
    if (base % H !== 0) error("base_width", base, `the base model's d_model ${base} is not divisible by n_head ${H}`, `pick a base_width that n_head divides, e.g. ${Math.max(H, Math.round(base / H) * H)}`);
    else if (m.pos === "rope" && (base / H) % 2 !== 0) error("base_width", base, `the base model's head size ${base / H} is odd`, "rope rotates pairs of channels: make base_width / n_head even");
  }
  if (m.kind === "rnn") {
    const E = (m.embedding as number) || (m.hidden as number);
    if (m.tie_embeddings && E !== m.hidden) error("tie_embeddings", true, `embedding ${E} differs from hidden ${m.hidden}`, "tying needs embedding == hidden (or 0)");
  }
  const moe = m.moe as MoeConfig | null | undefined;
  if (moe && (m.kind === "gpt" || m.kind === "hybrid")) {
    const at = (f: string) => `moe/${f}`;
    const E = moe.experts;
    const k = moe.top_k;
    if (k > E) error(at("top_k"), k, `each token would go to ${k} of only ${E} experts`, `set top_k to at most ${E}, or raise experts`);
    const slots = m.kind === "gpt" ? (m.n_layer as number) : (m.blocks as string[]).filter((b) => b === "mlp").length;
    const what = m.kind === "gpt" ? `n_layer ${slots}` : `the ${slots} mlp block${slots === 1 ? "" : "s"} of blocks`;
    if (moe.every > slots) {
      error(at("every"), moe.every, `every ${moe.every} is larger than ${what}, so no block would get experts`, slots > 0 ? `set every to at most ${slots} (1 = every block)` : "add an mlp block to blocks: experts replace mlp blocks");
    }
    if (k <= E && opts.tokens !== undefined && opts.tokens > 0) {
      const N = opts.tokens;
      const cap = moeCapacity(moe.capacity_factor, N, k, E);
      const drop = expectedDropAtInit(N, E, k, cap);
      if (drop > 0.5) {
        out.push({
          severity: "warning", pointer: `${pointer}/${at("capacity_factor")}`, value: moe.capacity_factor,
          problem: `about ${(100 * drop).toFixed(0)}% of the ${N * k} token-expert assignments of a batch (${N} tokens x top_k ${k}) would be dropped at init: each of the ${E} experts takes ${cap}`,
          hint: `raise capacity_factor to at least 1 (an even share: ${Math.ceil((N * k) / E)} per expert)`,
        });
      }
    }
  }
  return out;
}

/** Slots per expert of a training forward of N tokens: ceil(capacity_factor * N * k / E). */
export function moeCapacity(capacityFactor: number, N: number, k: number, E: number): number {
  return Math.max(1, Math.ceil((capacityFactor * N * k) / E));
}

/**
 * The expected fraction of the N·k assignments dropped when a router that knows nothing yet (init) sends each token
 * to k of E experts uniformly at random: an expert's load is Binomial(N, k/E), and what exceeds `cap` is dropped.
 */
export function expectedDropAtInit(N: number, E: number, k: number, cap: number): number {
  const p = k / E;
  if (p >= 1) return Math.max(0, N - cap) / N;
  // E[max(0, X - cap)] for X ~ Bin(N, p), summed from cap+1 upward in log space (no underflow at large N).
  const lf = (n: number) => logGamma(n + 1);
  let excess = 0;
  for (let x = cap + 1; x <= N; x++) {
    const lp = lf(N) - lf(x) - lf(N - x) + x * Math.log(p) + (N - x) * Math.log1p(-p);
    const term = (x - cap) * Math.exp(lp);
    excess += term;
    if (x > N * p && term < 1e-12 * Math.max(excess, 1e-300)) break;
  }
  return Math.min(1, (E * excess) / (N * k));
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9). */
function logGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Warnings already printed by planModelChecks (a sweep plans one train stage per trial). */
const warned = new Set<string>();

/**
 * The checks of the train stage's plan: every cross-field error of the model section (and an unreadable
 * train.time_budget) as one RecipeError at the recipe's file:line:col (where the field, or its nearest written
 * ancestor, was written), and the warnings (an MoE capacity that drops most tokens at init) printed once to
 * stderr, located the same way.
 */
export function planModelChecks(ctx: PlanContext): void {
  const m = modelSectionDefaults(ctx.recipe.model);
  const t = withSectionDefaults<Train>("train", structuredClone(ctx.recipe.train ?? {}));
  const issues = modelIssues(m, { tokens: t.batch_size * (m.context as number) });
  try {
    parseDuration(t.time_budget);
  } catch (e) {
    if (!(e instanceof ModelConfigError)) throw e;
    issues.push({ severity: "error", pointer: e.pointer, value: e.value, problem: e.problem, hint: e.hint });
  }
  const id = ctx.id("train");
  const trial = id.includes("/") ? id.slice(0, id.lastIndexOf("/")) : undefined;
  const located = (i: ModelIssue): RecipeIssue => {
    const loc = ctx.locate?.(i.pointer);
    const where = loc ?? { file: ctx.file, line: 0, col: 0 };
    return { file: where.file, line: where.line, col: where.col, pointer: i.pointer, message: `${i.pointer}: ${i.problem} (got ${JSON.stringify(i.value)})`, hint: i.hint, ...(trial ? { trial } : {}) };
  };
  const errors = issues.filter((i) => i.severity === "error").map(located);
  if (errors.length > 0) throw new RecipeError(errors);
  for (const w of issues.filter((i) => i.severity === "warning").map(located)) {
    const where = w.line > 0 ? `${w.file}:${w.line}:${w.col}` : w.file;
    const line = `warning: ${where}: ${w.message}. Hint: ${w.hint}`;
    if (warned.has(line)) continue;
    warned.add(line);
    process.stderr.write(`${line}\n`);
  }
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
