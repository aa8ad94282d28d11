// A small L-BFGS minimizer (Nocedal & Wright, Algorithm 7.4/7.5) with a backtracking Armijo line search, for the
// few-parameter scaling-law fits. Deterministic; no bounds (the fits are unconstrained in log space).

export interface LbfgsOptions {
  /** @default 1000 */
  readonly maxIter?: number;
  /** Correction pairs kept. @default 10 */
  readonly memory?: number;
  /** Stop when every |∂f/∂x_i| is below this. @default 1e-10 */
  readonly gtol?: number;
  /** Stop when an accepted step lowers f by less than ftol·max(1, |f|). @default 1e-13 */
  readonly ftol?: number;
}

export interface LbfgsResult {
  readonly x: number[];
  readonly f: number;
  readonly iterations: number;
  /** False when maxIter ran out; a line search that cannot go down counts as converged (at a kink or the optimum). */
  readonly converged: boolean;
}

/** `fg(x, g)` returns f(x) and writes ∇f(x) into g. */
export type Objective = (x: Float64Array, g: Float64Array) => number;

export function lbfgs(fg: Objective, x0: readonly number[], opts: LbfgsOptions = {}): LbfgsResult {
  const { maxIter = 1000, memory = 10, gtol = 1e-10, ftol = 1e-13 } = opts;
  const n = x0.length;
  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let f = fg(x, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const d = new Float64Array(n);
  const alpha = new Float64Array(memory);
  let xn = new Float64Array(n);
  let gn = new Float64Array(n);
  if (!Number.isFinite(f)) return { x: [...x], f, iterations: 0, converged: false };

  for (let it = 0; it < maxIter; it++) {
    if (maxAbs(g) < gtol) return { x: [...x], f, iterations: it, converged: true };
    // Two-loop recursion: d = -H·g, with H0 = (s·y / y·y)·I from the newest pair.
    for (let i = 0; i < n; i++) d[i] = -g[i]!;
    for (let k = S.length - 1; k >= 0; k--) {
      alpha[k] = rho[k]! * dot(S[k]!, d);
      axpy(-alpha[k]!, Y[k]!, d);
    }
    if (S.length > 0) {
      const last = S.length - 1;
      scale(d, dot(S[last]!, Y[last]!) / dot(Y[last]!, Y[last]!));
    } else {
      scale(d, 1 / Math.max(1, Math.hypot(...g)));
    }
    for (let k = 0; k < S.length; k++) axpy(alpha[k]! - rho[k]! * dot(Y[k]!, d), S[k]!, d);
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // Not a descent direction (stale curvature): restart from steepest descent.
      S.length = Y.length = rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i]! / Math.max(1, Math.hypot(...g));
      slope = dot(g, d);
    }
    // Backtracking line search: the first t in 1, 1/2, 1/4, ... with the Armijo decrease.
    let t = 1;
    let fn = Infinity;
    for (let tries = 0; tries < 60; tries++, t *= 0.5) {
      for (let i = 0; i < n; i++) xn[i] = x[i]! + t * d[i]!;
      fn = fg(xn, gn);
      if (Number.isFinite(fn) && fn <= f + 1e-4 * t * slope) break;
    }
    if (!(Number.isFinite(fn) && fn <= f + 1e-4 * t * slope)) {
      if (S.length === 0) return { x: [...x], f, iterations: it, converged: true };
      S.length = Y.length = rho.length = 0; // retry from steepest descent before giving up
      continue;
    }
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xn[i]! - x[i]!;
      y[i] = gn[i]! - g[i]!;
    }
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (S.length === memory) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    const drop = f - fn;
    [x, xn] = [xn, x];
    [g, gn] = [gn, g];
    f = fn;
    if (drop <= ftol * Math.max(1, Math.abs(f))) return { x: [...x], f, iterations: it + 1, converged: true };
  }
  return { x: [...x], f, iterations: maxIter, converged: false };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i]! += a * x[i]!;
}
function scale(x: Float64Array, a: number): void {
  for (let i = 0; i < x.length; i++) x[i]! *= a;
}
function maxAbs(x: Float64Array): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]!));
  return m;
}
