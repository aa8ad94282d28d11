// The report's scaling section: measured final losses against a size (parameters, tokens, FLOPs), a fitted power
// law L(x) = E + A·x^−α drawn through them, and a prediction. scalingFromTrials fits one when a sweep varies model
// size (or training tokens) over at least three values; callers may also pass their own (ReportInput.scaling).
import { sweep } from "@lathe/model";
import type { TrialData } from "../trials/load.ts";
import { formatMetric } from "../ui/format.ts";
import type { ChartData } from "./series.ts";

export interface ScalingInput {
  /** What x measures: "parameters", "tokens", "FLOPs". */
  readonly xLabel: string;
  readonly points: readonly { readonly x: number; readonly loss: number; readonly trial?: string }[];
  /** L(x) = E + A·x^−α; a @lathe/model PowerLawFit is one. */
  readonly fit: {
    readonly E: number;
    readonly A: number;
    readonly alpha: number;
    readonly intervals?: Readonly<Record<"E" | "A" | "alpha", { readonly lo: number; readonly hi: number }>>;
  };
  /** The fit's loss at some x, with why that x ("10× the largest"). */
  readonly prediction?: { readonly x: number; readonly loss: number; readonly label?: string };
  /** More lines of text under the chart (a Chinchilla fit's compute-optimal N and D, ...). */
  readonly notes?: readonly string[];
  /** The text instead of the power-law line and prediction (a Chinchilla fit's five constants; trials/scaling.ts). */
  readonly lines?: readonly string[];
}

const lossAt = (fit: ScalingInput["fit"], x: number) => fit.E + fit.A * x ** -fit.alpha;

/** The chart: the fitted curve on 64 log-spaced x values over the points' range, the measured points, the prediction. */
export function scalingChart(s: ScalingInput): ChartData {
  const ends = [...s.points.map((p) => p.x), ...(s.prediction ? [s.prediction.x] : [])].filter((x) => x > 0);
  const lo = Math.log(Math.min(...ends));
  const hi = Math.log(Math.max(...ends));
  const curveX = Array.from({ length: 64 }, (_, i) => Math.exp(lo + ((hi - lo) * i) / 63));
  const xs = [...new Set([...curveX, ...ends])].sort((a, b) => a - b);
  const pointAt = new Map(s.points.map((p) => [p.x, p.loss]));
  const curveSet = new Set(curveX);
  return {
    id: "scaling",
    title: `final loss against ${s.xLabel}`,
    xLabel: s.xLabel,
    yLabel: "loss",
    x: xs,
    series: [
      { name: "fit", values: xs.map((x) => (curveSet.has(x) ? lossAt(s.fit, x) : null)), style: "line" as const },
      { name: "trials", values: xs.map((x) => pointAt.get(x) ?? null), style: "points" as const },
      ...(s.prediction ? [{ name: "prediction", values: xs.map((x) => (x === s.prediction!.x ? s.prediction!.loss : null)), style: "points" as const }] : []),
    ],
    logX: true,
    logY: true,
  };
}

/** The fit as text: "L(x) = 1.82 + 410·x^−0.34", with 90% intervals when known. */
export function scalingText(s: ScalingInput): string[] {
  if (s.lines) return [...s.lines, ...(s.notes ?? [])];
  const f = s.fit;
  const g = (v: number) => Number(v.toPrecision(3)).toString();
  const iv = (k: "E" | "A" | "alpha") => (f.intervals ? ` [${g(f.intervals[k].lo)}, ${g(f.intervals[k].hi)}]` : "");
  const lines = [
    `L(${s.xLabel}) = E + A·${s.xLabel}^−α over ${s.points.length} trials: E = ${g(f.E)}${iv("E")}, A = ${g(f.A)}${iv("A")}, α = ${g(f.alpha)}${iv("alpha")}${f.intervals ? " (90% bootstrap intervals)" : ""}`,
  ];
  if (s.prediction) lines.push(`predicted loss at ${formatMetric(s.prediction.x)} ${s.xLabel}: ${g(s.prediction.loss)}${s.prediction.label ? ` (${s.prediction.label})` : ""}`);
  return [...lines, ...(s.notes ?? [])];
}

/**
 * A power law of final val loss against parameters (or, when the parameter count does not vary, tokens) over the
 * finished trials, with a prediction at ten times the largest; undefined with fewer than three distinct sizes.
 */
export function scalingFromTrials(trials: readonly TrialData[]): ScalingInput | undefined {
  const done = trials.filter((t) => t.status === "done" && typeof t.summary?.val_loss === "number");
  for (const [field, xLabel] of [["params", "parameters"], ["tokens", "tokens"]] as const) {
    const points = done.flatMap((t) => (typeof t.summary![field] === "number" ? [{ x: t.summary![field] as number, loss: t.summary!.val_loss as number, trial: t.name }] : []));
    if (new Set(points.map((p) => p.x)).size < 3) continue;
    const fit = sweep.fitPowerLaw(points, { bootstrap: 50 });
    const x = 10 * Math.max(...points.map((p) => p.x));
    return { xLabel, points, fit, prediction: { x, loss: sweep.predictPowerLaw(fit, x), label: "10× the largest" } };
  }
  return undefined;
}
