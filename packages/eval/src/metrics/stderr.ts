// Standard errors as lm-evaluation-harness computes them: mean_stderr (sample stdev / sqrt(n)) for means, a
// bootstrap (Python-random-exact resampling, chunks of 1000 draws seeded 0, 1, 2, …) for corpus-level aggregations,
// and the pooled stderr of a size-weighted group.
import { PyRandom } from "../tasks/pyrandom.ts";

export function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample standard deviation (n - 1 in the denominator). */
export function sampleStddev(xs: readonly number[]): number {
  const mu = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - mu) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

/** Standard error of the mean: sampleStddev / sqrt(n). */
export function meanStderr(xs: readonly number[]): number {
  return sampleStddev(xs) / Math.sqrt(xs.length);
}

/**
 * Bootstrap standard error of f over xs: floor(iters / chunk) chunks of chunk = min(1000, iters) resamples with
 * replacement, chunk i drawn from Python's Random(i), as the harness's bootstrap_stderr; the stdev of the replicates.
 */
export function bootstrapStderr<T>(f: (xs: readonly T[]) => number, xs: readonly T[], iters: number): number {
  const chunk = Math.min(1000, iters);
  const res: number[] = [];
  for (let i = 0; i < Math.floor(iters / chunk); i++) {
    const rnd = new PyRandom(i);
    for (let j = 0; j < chunk; j++) res.push(f(rnd.choices(xs, xs.length)));
  }
  return sampleStddev(res);
}

/** Stderr of a size-weighted mean of subtasks from their stderrs (the harness's pooled_sample_stderr). */
export function pooledSampleStderr(stderrs: readonly number[], sizes: readonly number[]): number {
  let num = 0;
  let total = 0;
  for (let i = 0; i < sizes.length; i++) {
    num += (sizes[i]! - 1) * stderrs[i]! ** 2 * sizes[i]!;
    total += sizes[i]!;
  }
  return Math.sqrt(num / (total - sizes.length) / total);
}
