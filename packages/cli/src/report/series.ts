// Chart data for the report page: every trial's curve on one shared x axis (uPlot's aligned-columns layout, null
// where a trial has no point), thinned to at most `maxPoints` x values so a long run keeps the page small.
import type { MetricPoint } from "../trials/read.ts";

export interface Curve {
  readonly name: string;
  /** (x, y) in x order. */
  readonly points: readonly { readonly x: number; readonly y: number }[];
}

/** What the page's script hands to uPlot: x values, and one value column per series. */
export interface ChartData {
  readonly id: string;
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly x: readonly number[];
  readonly series: readonly {
    readonly name: string;
    readonly values: readonly (number | null)[];
    /** "points": markers only (measurements); "line": a line only (a fitted curve); unset: a line, with markers where sparse. */
    readonly style?: "points" | "line";
  }[];
  /** Start with log scales; the page has toggles for both. @default false */
  readonly logX?: boolean;
  readonly logY?: boolean;
}

/** One metric of every trial's history as curves over steps (points without the metric are left out). */
export function metricCurves(trials: readonly { readonly name: string; readonly history: readonly MetricPoint[] }[], metric: string): Curve[] {
  return trials.map((t) => ({
    name: t.name,
    points: t.history.flatMap((p) => (typeof p[metric] === "number" ? [{ x: p.step, y: p[metric] as number }] : [])),
  }));
}

/**
 * Curves on a shared x axis. With more distinct x values than `maxPoints`, x is cut into equal buckets and each
 * curve shows the mean of its points in a bucket, at the bucket's last x, so trials stay aligned.
 */
export function alignCurves(curves: readonly Curve[], maxPoints = 2000): { x: number[]; values: (number | null)[][] } {
  const xs = [...new Set(curves.flatMap((c) => c.points.map((p) => p.x)))].sort((a, b) => a - b);
  if (xs.length <= maxPoints) {
    const at = new Map(xs.map((x, i) => [x, i]));
    const values = curves.map((c) => {
      const col: (number | null)[] = new Array(xs.length).fill(null);
      for (const p of c.points) col[at.get(p.x)!] = p.y;
      return col;
    });
    return { x: xs, values };
  }
  const lo = xs[0]!;
  const span = xs.at(-1)! - lo;
  const bucket = (x: number) => Math.min(maxPoints - 1, Math.floor(((x - lo) / span) * maxPoints));
  const lastX: number[] = new Array(maxPoints).fill(Number.NaN);
  for (const x of xs) lastX[bucket(x)] = x;
  const used = lastX.flatMap((x, b) => (Number.isNaN(x) ? [] : [b]));
  const values = curves.map((c) => {
    const sum = new Float64Array(maxPoints);
    const n = new Uint32Array(maxPoints);
    for (const p of c.points) {
      const b = bucket(p.x);
      sum[b] += p.y;
      n[b]++;
    }
    return used.map((b) => (n[b] === 0 ? null : sum[b]! / n[b]!));
  });
  return { x: used.map((b) => lastX[b]!), values };
}

/** A chart of one metric over steps, one series per trial. */
export function lossChart(id: string, title: string, yLabel: string, curves: readonly Curve[], maxPoints?: number): ChartData {
  const { x, values } = alignCurves(curves, maxPoints);
  return { id, title, xLabel: "step", yLabel, x, series: curves.map((c, i) => ({ name: c.name, values: values[i]! })) };
}
