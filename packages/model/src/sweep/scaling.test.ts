// Scaling-law fits on synthetic losses from known constants (Chinchilla's published ones), with seeded 0.5% noise.
// Run: bun test packages/model/src/sweep   (the Chinchilla grid fit takes a second or two per fit)
import { describe, expect, test } from "bun:test";
import { normalArray } from "../rng.ts";
import { SweepInputError, TooFewPointsError } from "./errors.ts";
import { computeOptimal, fitChinchilla, fitPowerLaw, predict, predictPowerLaw, type ChinchillaFit } from "./scaling.ts";

/** Hoffmann et al. 2022, eq. 10. */
const TRUTH = { E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28 };
const truthFit: ChinchillaFit = { ...TRUTH, intervals: {} as ChinchillaFit["intervals"], objective: 0, points: 0 };

/** 7 × 7 runs, N = 1e7..1e10 and D = 1e9..1e12 by half decades, each loss times exp(N(0, 0.005²)). */
function chinchillaPoints(seed: number) {
  const ns = Array.from({ length: 7 }, (_, i) => 1e7 * 10 ** (i / 2));
  const ds = Array.from({ length: 7 }, (_, i) => 1e9 * 10 ** (i / 2));
  const noise = normalArray(49, 0.005, seed);
  return ns.flatMap((n, i) => ds.map((d, j) => ({ n, d, loss: predict(truthFit, n, d) * Math.exp(noise[i * 7 + j]!) })));
}

/** Tolerances: exponents ±0.03, E ±0.05, A and B within a factor 1.5. Over seeds 1..10 the worst errors were
 * 0.009 (α), 0.012 (β), 0.033 (E), ×1.15 (A), ×1.27 (B). */
function expectRecovered(fit: ChinchillaFit) {
  expect(Math.abs(fit.alpha - TRUTH.alpha)).toBeLessThan(0.03);
  expect(Math.abs(fit.beta - TRUTH.beta)).toBeLessThan(0.03);
  expect(Math.abs(fit.E - TRUTH.E)).toBeLessThan(0.05);
  expect(Math.abs(Math.log(fit.A / TRUTH.A))).toBeLessThan(Math.log(1.5));
  expect(Math.abs(Math.log(fit.B / TRUTH.B))).toBeLessThan(Math.log(1.5));
}

describe("fitChinchilla", () => {
  const fit = fitChinchilla(chinchillaPoints(1), { seed: 1 });

  test("recovers the constants that generated the losses", () => {
    expectRecovered(fit);
    expect(fit.points).toBe(49);
  });

  test.each([2, 3])("recovers them under another noise draw (seed %p)", (seed) => {
    expectRecovered(fitChinchilla(chinchillaPoints(seed), { bootstrap: 0 }));
  }, 30_000);

  // Over seeds 1..10, E, A and α's intervals held the truth 10 times, B's and β's 9 times (nominally 90%).
  test.each(Object.keys(TRUTH) as (keyof typeof TRUTH)[])("the 5–95%% bootstrap interval of %s contains the truth", (k) => {
    const iv = fit.intervals[k];
    expect(iv.lo).toBeLessThanOrEqual(TRUTH[k]);
    expect(iv.hi).toBeGreaterThanOrEqual(TRUTH[k]);
    expect(iv.lo).toBeLessThanOrEqual(fit[k]);
    expect(iv.hi).toBeGreaterThanOrEqual(fit[k]);
  });

  test("predicts Chinchilla's own loss (70B parameters, 1.4T tokens, outside the fitted range) within 1%", () => {
    const truth = predict(truthFit, 7e10, 1.4e12);
    expect(Math.abs(predict(fit, 7e10, 1.4e12) / truth - 1)).toBeLessThan(0.01);
  });

  test("is a deterministic function of the points and the seed", () => {
    const pts = chinchillaPoints(4).filter((_, i) => i % 4 === 0);
    const a = fitChinchilla(pts, { seed: 7, bootstrap: 10 });
    expect(fitChinchilla(pts, { seed: 7, bootstrap: 10 })).toEqual(a);
    expect(fitChinchilla(pts, { seed: 8, bootstrap: 10 }).intervals).not.toEqual(a.intervals);
  }, 30_000);

  test("with no bootstrap the intervals collapse to the estimate", () => {
    const f = fitChinchilla(chinchillaPoints(1).slice(0, 12), { bootstrap: 0 });
    expect(f.intervals.alpha).toEqual({ lo: f.alpha, hi: f.alpha });
  }, 30_000);
});

describe("computeOptimal", () => {
  /** Minimizes the fitted loss along N·D = C/6 by golden-section search over log N. */
  function numericOptimum(fit: ChinchillaFit, flops: number) {
    const loss = (logN: number) => predict(fit, Math.exp(logN), flops / 6 / Math.exp(logN));
    let [lo, hi] = [Math.log(1e3), Math.log(flops / 6 / 1e3)];
    const r = (Math.sqrt(5) - 1) / 2;
    while (hi - lo > 1e-10) {
      const [m1, m2] = [hi - r * (hi - lo), lo + r * (hi - lo)];
      if (loss(m1) < loss(m2)) hi = m2;
      else lo = m1;
    }
    return Math.exp((lo + hi) / 2);
  }

  test.each([1e18, 5.76e23, 1e26])("matches a numerical minimization of the loss at %p FLOPs", (flops) => {
    const opt = computeOptimal(truthFit, flops);
    expect(opt.n / numericOptimum(truthFit, flops)).toBeCloseTo(1, 6);
    expect((6 * opt.n * opt.d) / flops).toBeCloseTo(1, 12);
    expect(opt.loss).toBeCloseTo(predict(truthFit, opt.n, opt.d), 12);
  });

  test("with the published constants N_opt grows as C^(β/(α+β)) ≈ C^0.45 (Hoffmann Table 2, Approach 3: 0.46)", () => {
    const slope = Math.log(computeOptimal(truthFit, 1e24).n / computeOptimal(truthFit, 1e20).n) / Math.log(1e4);
    expect(slope).toBeCloseTo(0.28 / 0.62, 9);
    expect(Math.abs(slope - 0.46)).toBeLessThan(0.01);
  });

  test("rejects a budget that is not a positive number", () => {
    expect(() => computeOptimal(truthFit, 0)).toThrow("flops: must be a positive number of FLOPs (got 0). Hint: pass the budget as 6·N·D, e.g. 1e21");
  });
});

describe("fitPowerLaw", () => {
  // 12 points over four decades of x (1e5..1e9 parameters), 0.5% noise. Tolerance: α ±0.03, E ±0.05, A ×1.5; the
  // worst of seeds 1..5 on these three laws was 0.02 (α).
  test.each([
    [1.8, 60, 0.3],
    [2.5, 400, 0.5],
    [1.69, 406.4, 0.34],
  ])("recovers E=%p A=%p α=%p", (E, A, alpha) => {
    const noise = normalArray(12, 0.005, 1);
    const points = Array.from({ length: 12 }, (_, i) => 1e5 * 10 ** (i / 3)).map((x, i) => ({ x, loss: (E + A * x ** -alpha) * Math.exp(noise[i]!) }));
    const fit = fitPowerLaw(points, { seed: 1 });
    expect(Math.abs(fit.alpha - alpha)).toBeLessThan(0.03);
    expect(Math.abs(fit.E - E)).toBeLessThan(0.05);
    expect(Math.abs(Math.log(fit.A / A))).toBeLessThan(Math.log(1.5));
    expect(fit.intervals.alpha.lo).toBeLessThanOrEqual(alpha);
    expect(fit.intervals.alpha.hi).toBeGreaterThanOrEqual(alpha);
    expect(Math.abs(predictPowerLaw(fit, 1e10) / (E + A * 1e10 ** -alpha) - 1)).toBeLessThan(0.02); // a decade past the data
  });

  test("fits noiseless points exactly", () => {
    const points = [1e4, 1e5, 1e6, 1e7, 1e8].map((x) => ({ x, loss: 2 + 50 * x ** -0.4 }));
    const fit = fitPowerLaw(points, { bootstrap: 0 });
    expect(fit.alpha).toBeCloseTo(0.4, 4);
    expect(fit.E).toBeCloseTo(2, 4);
    expect(fit.A).toBeCloseTo(50, 1);
  });
});

describe("fit inputs", () => {
  const five = chinchillaPoints(1).slice(0, 5);
  test.each([
    [() => fitChinchilla(five), "fitChinchilla: 5 points cannot fit 5 constants (E, A, B, alpha, beta); it needs at least 6. Hint: add runs at more sizes and token counts."],
    [() => fitPowerLaw([{ x: 1, loss: 2 }]), "fitPowerLaw: 1 point cannot fit 3 constants (E, A, alpha); it needs at least 4. Hint: add runs at more sizes."],
  ])("names how many points it got and needs: %#", (fit, message) => {
    expect(fit).toThrow(TooFewPointsError);
    expect(fit).toThrow(message);
  });

  test.each([
    [{ loss: Number.NaN }, "points[2].loss: must be a positive finite number (got NaN). Hint: leave out runs that diverged"],
    [{ n: 0 }, "points[2].n: must be a positive finite number (got 0). Hint: give n as a count, e.g. 1.2e8"],
    [{ d: undefined }, "points[2].d: must be a positive finite number (got undefined). Hint: give d as a count, e.g. 1.2e8"],
  ])("rejects a point with %p naming the field", (patch, message) => {
    const pts = chinchillaPoints(1).slice(0, 8).map((p, i) => (i === 2 ? { ...p, ...patch } : p));
    expect(() => fitChinchilla(pts as { n: number; d: number; loss: number }[])).toThrow(SweepInputError);
    expect(() => fitChinchilla(pts as { n: number; d: number; loss: number }[])).toThrow(message);
  });

  test.each([
    [{ bootstrap: 1.5 }, "fitPowerLaw.bootstrap: must be a whole number of resamples (got 1.5). Hint: use 100, or 0 for no intervals"],
    [{ delta: 0 }, "fitPowerLaw.delta: must be a positive number (got 0). Hint: use 1e-3 (Hoffmann et al.)"],
  ])("rejects option %p", (opts, message) => {
    expect(() => fitPowerLaw([1, 2, 3, 4].map((x) => ({ x, loss: 3 / x })), opts)).toThrow(message);
  });
});
