// sweep.scaling: the scaling law a sweep asks for, fitted to its finished trials for lathe compare and lathe report —
// loss against N (parameters, estimate.ts's count, as summary.json records it), D (tokens trained) or both
// (Chinchilla) — with bootstrap intervals, the predicted loss of scaling.predict (a recipe-path → value map applied
// to the base recipe) and, for Chinchilla, the compute-optimal N and D of scaling.flops.
import { estimate, resolveModelConfig, sweep } from "@lathe/model";
import type { Recipe } from "@lathe/recipe";
import type { PlannedRecipe } from "../load.ts";
import type { ScalingInput } from "../report/scaling.ts";
import { formatMetric } from "../ui/format.ts";
import type { TrialData } from "./load.ts";

export type ScalingSpec = Recipe["sweep"]["scaling"];

/** sweep.scaling that cannot be fitted or predicted: too few finished trials, a predict path the recipe lacks. */
export class ScalingError extends Error {
  override readonly name = "ScalingError";
  constructor(
    readonly field: string,
    readonly problem: string,
    readonly hint: string,
  ) {
    super(`${field}: ${problem}. Hint: ${hint}`);
  }
}

const CONSTANTS = { loss_vs_params: ["E", "A", "α"], loss_vs_tokens: ["E", "A", "α"], chinchilla: ["E", "A", "α", "B", "β"] } as const;

/** The vocabulary size behind a finished trial's summary.params (the count is linear in V); undefined without one. */
export function vocabOf(trials: readonly TrialData[]): number | undefined {
  for (const t of trials) {
    const p = t.summary?.params;
    if (typeof p !== "number") continue;
    const at = (v: number) => countParams(t.recipe, v);
    const [one, two] = [at(1), at(2)];
    if (one !== undefined && two !== undefined && two > one) return Math.round((p - (one - (two - one))) / (two - one));
  }
  return undefined;
}

/** estimate.ts's parameter count of a recipe's model; undefined when its config does not resolve. */
function countParams(r: Recipe, vocab: number): number | undefined {
  try {
    return estimate(resolveModelConfig(r.model, vocab), 1).params;
  } catch {
    return undefined; // an invalid model never trained: it has no point to fit
  }
}

/** N of a trial: summary.json's params, else estimate.ts's count of its model at `vocab`. */
function paramsOf(t: TrialData, vocab: number | undefined): number | undefined {
  if (typeof t.summary?.params === "number") return t.summary.params;
  return vocab === undefined ? undefined : countParams(t.recipe, vocab);
}

/** The base recipe with each dotted path of `predict` set; a path the recipe does not have is a ScalingError. */
export function applyPredict(base: Recipe, predict: Readonly<Record<string, unknown>>): Recipe {
  const out = structuredClone(base) as unknown as Record<string, unknown>;
  for (const [path, value] of Object.entries(predict)) {
    const keys = path.split(".");
    let node: unknown = out;
    for (const k of keys.slice(0, -1)) node = node !== null && typeof node === "object" ? (node as Record<string, unknown>)[k] : undefined;
    const last = keys.at(-1)!;
    if (node === null || typeof node !== "object" || !(last in node)) {
      throw new ScalingError(`sweep.scaling.predict.${path}`, `the recipe has no field ${path}`, "give recipe paths such as model.d_model or model.n_layer");
    }
    (node as Record<string, unknown>)[last] = value;
  }
  return out as unknown as Recipe;
}

/** N and D of a recipe as planned: estimate.ts's parameter count, and steps × batch × grad_accum × context tokens. */
export function recipeSize(r: Recipe, vocab: number): { n: number; d: number } {
  const cfg = resolveModelConfig(r.model, vocab);
  const t = r.train as { steps: number; batch_size: number; grad_accum?: number };
  return { n: estimate(cfg, t.batch_size).params, d: t.steps * t.batch_size * (t.grad_accum ?? 1) * cfg.context };
}

const g = (v: number) => Number(v.toPrecision(3)).toString();
const iv = (i: { lo: number; hi: number }) => ` [${g(i.lo)}, ${g(i.hi)}]`;

/**
 * The fit sweep.scaling asks for over the finished trials (status done, with the metric), as the report's scaling
 * section; undefined when sweep.scaling.fit is none. Too few finished trials is a ScalingError saying how many are
 * finished and how many the fit needs.
 */
export function scalingFromSpec(recipe: Pick<PlannedRecipe, "base">, trials: readonly TrialData[], spec: ScalingSpec, opts: { bootstrap?: number } = {}): ScalingInput | undefined {
  if (spec.fit === "none") return undefined;
  const need = CONSTANTS[spec.fit].length + 1;
  const vocab = vocabOf(trials);
  const done = trials.flatMap((t) => {
    const loss = t.status === "done" ? t.summary?.[spec.metric] : undefined;
    const n = paramsOf(t, vocab);
    const d = t.summary?.tokens;
    return typeof loss === "number" && Number.isFinite(loss) && n !== undefined && typeof d === "number" ? [{ trial: t.name, loss, n, d }] : [];
  });
  if (done.length < need) {
    throw new ScalingError(
      "sweep.scaling",
      `a ${spec.fit} fit needs at least ${need} finished trials (it fits ${CONSTANTS[spec.fit].join(", ")}); ${done.length} of ${trials.length} trials are finished`,
      "build the sweep (lathe build), or wait for more trials to finish",
    );
  }
  const bootstrap = opts.bootstrap ?? 100;
  const predict = Object.keys(spec.predict).length > 0 && vocab !== undefined ? recipeSize(applyPredict(recipe.base, spec.predict), vocab) : undefined;
  const why = `sweep.scaling.predict: ${Object.entries(spec.predict).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(", ")}`;
  if (spec.fit !== "chinchilla") {
    const [key, xLabel] = spec.fit === "loss_vs_params" ? (["n", "parameters"] as const) : (["d", "tokens"] as const);
    const points = done.map((p) => ({ x: p[key], loss: p.loss, trial: p.trial }));
    const fit = sweep.fitPowerLaw(points, { bootstrap });
    return {
      xLabel, points, fit,
      ...(predict ? { prediction: { x: predict[key], loss: sweep.predictPowerLaw(fit, predict[key]), label: why } } : {}),
    };
  }
  const fit = sweep.fitChinchilla(done, { bootstrap });
  const I = fit.intervals;
  // The chart draws L against N at the trials' median D (the B·D^−β term folded into E).
  const dMid = [...done.map((p) => p.d)].sort((a, b) => a - b)[Math.floor(done.length / 2)]!;
  const lines = [
    `L(N, D) = E + A·N^−α + B·D^−β over ${done.length} trials: E = ${g(fit.E)}${iv(I.E)}, A = ${g(fit.A)}${iv(I.A)}, α = ${g(fit.alpha)}${iv(I.alpha)}, ` +
      `B = ${g(fit.B)}${iv(I.B)}, β = ${g(fit.beta)}${iv(I.beta)} (90% bootstrap intervals)`,
  ];
  if (predict) lines.push(`predicted ${spec.metric} at N = ${formatMetric(predict.n)} parameters, D = ${formatMetric(predict.d)} tokens: ${g(sweep.predict(fit, predict.n, predict.d))} (${why})`);
  if (spec.flops > 0) {
    const opt = sweep.computeOptimal(fit, spec.flops);
    lines.push(`compute-optimal for ${spec.flops.toExponential(2)} FLOPs: N = ${formatMetric(Math.round(opt.n))} parameters, D = ${formatMetric(Math.round(opt.d))} tokens, ${spec.metric} ${g(opt.loss)}`);
  }
  lines.push(`the chart's curve is the fit at D = ${formatMetric(dMid)} tokens (the trials' median)`);
  return {
    xLabel: "parameters",
    points: done.map((p) => ({ x: p.n, loss: p.loss, trial: p.trial })),
    fit: { E: fit.E + fit.B * dMid ** -fit.beta, A: fit.A, alpha: fit.alpha },
    lines,
  };
}
