// Sweep helpers of @lathe/model: early stopping over metric histories and scaling-law fits. Pure functions only;
// the sweep runner (which reads metrics.jsonl and stops trials) lives with the CLI.

/** Early stopping: ASHA and the median stopping rule. */
export { asha, median, ashaRungs, type Stopper, type StopDecision, type MetricHistory, type AshaOptions, type MedianOptions } from "./stoppers.ts";

/** Scaling laws: L(x) = E + A·x^−α and Chinchilla's L(N, D), bootstrap intervals, compute-optimal N and D. */
export {
  fitPowerLaw, fitChinchilla, predict, predictPowerLaw, computeOptimal,
  type PowerLawFit, type ChinchillaFit, type FitOptions, type Interval,
} from "./scaling.ts";

/** Errors. */
export { SweepInputError, TooFewPointsError } from "./errors.ts";
