// Scaling-law fits: L(x) = E + A·x^−α (loss vs params or tokens) and Chinchilla's L(N, D) = E + A·N^−α + B·D^−β
// (Hoffmann et al. 2022, Approach 3), with bootstrap intervals, predictions and the compute-optimal N and D.
//
// Both fit log L with a Huber loss (δ = 1e-3) through log-sum-exp: log L̂ = LSE(e, a − α·log N, b − β·log D) with
// E = exp(e), A = exp(a), B = exp(b), which keeps the constants positive. L-BFGS runs from every point of a grid of
// initializations (Hoffmann's grid) and keeps the lowest objective; each bootstrap resample (points drawn with
// replacement by a seeded generator) is refit from the full fit's optimum, and the 5th/95th percentiles of the refits
// make each constant's interval.
import { Rng } from "../rng.ts";
import { SweepInputError, TooFewPointsError } from "./errors.ts";
import { lbfgs } from "./lbfgs.ts";
import { quantile } from "./stats.ts";

/** 5th and 95th percentiles of a constant over the bootstrap refits. */
export interface Interval {
  readonly lo: number;
  readonly hi: number;
}

export interface PowerLawFit {
  readonly E: number;
  readonly A: number;
  readonly alpha: number;
  readonly intervals: { readonly E: Interval; readonly A: Interval; readonly alpha: Interval };
  /** Σ Huber(log L̂ − log L) at the optimum. */
  readonly objective: number;
  readonly points: number;
}

export interface ChinchillaFit {
  readonly E: number;
  readonly A: number;
  readonly B: number;
  readonly alpha: number;
  readonly beta: number;
  readonly intervals: {
    readonly E: Interval; readonly A: Interval; readonly B: Interval; readonly alpha: Interval; readonly beta: Interval;
  };
  readonly objective: number;
  readonly points: number;
}

export interface FitOptions {
  /** Huber δ on log-loss residuals. @default 1e-3 */
  readonly delta?: number;
  /** Bootstrap resamples for the intervals (0: intervals collapse to the estimate). @default 100 */
  readonly bootstrap?: number;
  /** Seed of the resampling. @default 0 */
  readonly seed?: number;
}

/** Hoffmann et al.'s initialization grid: exponents 0..2 by 0.5, e −1..1 by 0.5, a and b 0..25 by 5. */
const EXPONENTS = [0, 0.5, 1, 1.5, 2];
const LOG_E = [-1, -0.5, 0, 0.5, 1];
const LOG_A = [0, 5, 10, 15, 20, 25];

/** Fits L(x) = E + A·x^−α, e.g. final loss against parameters (loss_vs_params) or tokens (loss_vs_tokens). */
export function fitPowerLaw(points: readonly { readonly x: number; readonly loss: number }[], opts: FitOptions = {}): PowerLawFit {
  checkPoints("fitPowerLaw", points, ["x", "loss"], ["E", "A", "alpha"]);
  const data = points.map((p) => ({ logs: [Math.log(p.x)], y: Math.log(p.loss) }));
  const grid: number[][] = [];
  for (const e of LOG_E) for (const a of LOG_A) for (const al of EXPONENTS) grid.push([e, a, al]);
  const { theta, objective, boots } = fit("fitPowerLaw", data, grid, opts);
  const [E, A, alpha] = constants(theta);
  const iv = intervals(boots.map(constants));
  return { E: E!, A: A!, alpha: alpha!, intervals: { E: iv[0]!, A: iv[1]!, alpha: iv[2]! }, objective, points: points.length };
}

/** Fits Chinchilla's L(N, D) = E + A·N^−α + B·D^−β to final losses of runs with N parameters and D tokens. */
export function fitChinchilla(points: readonly { readonly n: number; readonly d: number; readonly loss: number }[], opts: FitOptions = {}): ChinchillaFit {
  checkPoints("fitChinchilla", points, ["n", "d", "loss"], ["E", "A", "B", "alpha", "beta"]);
  const data = points.map((p) => ({ logs: [Math.log(p.n), Math.log(p.d)], y: Math.log(p.loss) }));
  const grid: number[][] = [];
  for (const e of LOG_E) for (const a of LOG_A) for (const al of EXPONENTS) for (const b of LOG_A) for (const be of EXPONENTS) grid.push([e, a, al, b, be]);
  const { theta, objective, boots } = fit("fitChinchilla", data, grid, opts);
  const [E, A, alpha, B, beta] = constants(theta);
  const iv = intervals(boots.map(constants));
  return {
    E: E!, A: A!, B: B!, alpha: alpha!, beta: beta!,
    intervals: { E: iv[0]!, A: iv[1]!, alpha: iv[2]!, B: iv[3]!, beta: iv[4]! },
    objective,
    points: points.length,
  };
}

/** The fitted loss of a model with n parameters trained on d tokens. */
export function predict(fit: ChinchillaFit, n: number, d: number): number {
  return fit.E + fit.A * n ** -fit.alpha + fit.B * d ** -fit.beta;
}

export function predictPowerLaw(fit: PowerLawFit, x: number): number {
  return fit.E + fit.A * x ** -fit.alpha;
}

/**
 * The N and D that minimize the fitted loss for a compute budget C ≈ 6·N·D FLOPs: with G = (αA / βB)^(1/(α+β)),
 * N_opt = G·(C/6)^(β/(α+β)) and D_opt = G^−1·(C/6)^(α/(α+β)).
 */
export function computeOptimal(fit: ChinchillaFit, flops: number): { n: number; d: number; loss: number } {
  if (!(Number.isFinite(flops) && flops > 0)) {
    throw new SweepInputError("flops", flops, "must be a positive number of FLOPs", "pass the budget as 6·N·D, e.g. 1e21");
  }
  const { A, B, alpha, beta } = fit;
  const G = ((alpha * A) / (beta * B)) ** (1 / (alpha + beta));
  const n = G * (flops / 6) ** (beta / (alpha + beta));
  const d = (flops / 6) ** (alpha / (alpha + beta)) / G;
  return { n, d, loss: predict(fit, n, d) };
}

// ---- the shared fit: θ = [e, a_1, α_1, a_2, α_2, ...], one (a_k, α_k) per power term

interface Datum {
  readonly logs: readonly number[]; // log x_k per term
  readonly y: number; // log loss
}

function fit(name: string, data: readonly Datum[], grid: readonly number[][], opts: FitOptions) {
  const delta = opts.delta ?? 1e-3;
  const bootstrap = opts.bootstrap ?? 100;
  const seed = opts.seed ?? 0;
  if (!(Number.isFinite(delta) && delta > 0)) {
    throw new SweepInputError(`${name}.delta`, delta, "must be a positive number", "use 1e-3 (Hoffmann et al.)");
  }
  if (!(Number.isInteger(bootstrap) && bootstrap >= 0)) {
    throw new SweepInputError(`${name}.bootstrap`, bootstrap, "must be a whole number of resamples", "use 100, or 0 for no intervals");
  }
  let best: { x: number[]; f: number } | null = null;
  const objective = huberObjective(data, delta);
  for (const start of grid) {
    // Most starts either reach an optimum within 200 iterations or sit on a plateau (a saturated log-sum-exp);
    // capping them and polishing the winner below costs a third of running each start to convergence.
    const r = lbfgs(objective, start, { maxIter: 200 });
    // Ties keep the earlier start, so the result does not depend on floating-point noise between equal optima.
    if (Number.isFinite(r.f) && (best === null || r.f < best.f - 1e-12 * Math.abs(best.f))) best = r;
  }
  best = lbfgs(objective, best!.x);
  const theta = best.x;
  const rng = new Rng(seed);
  const boots: number[][] = [];
  for (let b = 0; b < bootstrap; b++) {
    const sample = data.map(() => data[Math.floor(rng.next() * data.length)]!);
    boots.push(lbfgs(huberObjective(sample, delta), theta).x);
  }
  if (bootstrap === 0) boots.push(theta);
  return { theta, objective: best.f, boots };
}

/** Σ_i Huber_δ(LSE(e, a_k − α_k·log x_ik) − y_i) and its gradient. */
function huberObjective(data: readonly Datum[], delta: number) {
  const K = data[0]!.logs.length;
  const z = new Float64Array(K + 1);
  return (theta: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let f = 0;
    for (const { logs, y } of data) {
      z[0] = theta[0]!;
      let m = z[0]!;
      for (let k = 0; k < K; k++) {
        z[k + 1] = theta[1 + 2 * k]! - theta[2 + 2 * k]! * logs[k]!;
        m = Math.max(m, z[k + 1]!);
      }
      let sum = 0;
      for (let j = 0; j <= K; j++) sum += Math.exp(z[j]! - m);
      const r = m + Math.log(sum) - y;
      const ar = Math.abs(r);
      f += ar <= delta ? 0.5 * r * r : delta * (ar - 0.5 * delta);
      const dr = ar <= delta ? r : delta * Math.sign(r);
      // ∂LSE/∂z_j = softmax weight w_j; z_0 = e, z_k = a_k − α_k·log x_k.
      grad[0]! += (dr * Math.exp(z[0]! - m)) / sum;
      for (let k = 0; k < K; k++) {
        const w = (dr * Math.exp(z[k + 1]! - m)) / sum;
        grad[1 + 2 * k]! += w;
        grad[2 + 2 * k]! -= w * logs[k]!;
      }
    }
    return f;
  };
}

/** θ → [E, A_1, α_1, A_2, α_2, ...]. */
function constants(theta: readonly number[]): number[] {
  return theta.map((v, i) => (i === 0 || i % 2 === 1 ? Math.exp(v) : v));
}

function intervals(samples: readonly number[][]): Interval[] {
  return samples[0]!.map((_, j) => {
    const col = samples.map((s) => s[j]!);
    return { lo: quantile(col, 0.05), hi: quantile(col, 0.95) };
  });
}

function checkPoints<K extends string>(name: string, points: readonly Record<K, number>[], fields: readonly K[], constants: readonly string[]): void {
  if (!Array.isArray(points)) throw new SweepInputError("points", points, "must be an array", `pass { ${fields.join(", ")} } per run`);
  if (points.length < constants.length + 1) throw new TooFewPointsError(name, points.length, constants.length + 1, constants);
  points.forEach((p, i) => {
    for (const f of fields) {
      const v = p[f];
      if (!(typeof v === "number" && Number.isFinite(v) && v > 0)) {
        throw new SweepInputError(`points[${i}].${f}`, v, "must be a positive finite number", f === "loss" ? "leave out runs that diverged" : `give ${f} as a count, e.g. 1.2e8`);
      }
    }
  });
}
