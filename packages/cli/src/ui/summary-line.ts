// One-line texts shared by the renderers: a stage's progress/metrics status, its changes, the build's final verdict.
import { formatChange } from "@lathe/engine";
import type { BuildSummary, Change } from "@lathe/engine";
import { isExpertMetric } from "./experts.ts";
import { formatCount, formatDuration, formatMetric } from "./format.ts";
import type { StageView } from "./state.ts";

/** "50/100 docs 50% · 120 docs/s · ETA 4s" (parts missing when unknown). */
export function progressText(s: StageView): string {
  const p = s.progress;
  if (!p) return "";
  const unit = p.unit ? ` ${p.unit}` : "";
  const parts = [p.total !== undefined ? `${formatCount(p.done)}/${formatCount(p.total)}${unit}` : `${formatCount(p.done)}${unit}`];
  if (p.total !== undefined && p.total > 0) parts[0] += ` ${Math.floor((p.done / p.total) * 100)}%`;
  if (s.rate !== undefined) parts.push(`${formatCount(s.rate)}${unit}/s`);
  if (s.etaMs !== undefined) parts.push(`ETA ${formatDuration(s.etaMs)}`);
  return parts.join(" · ");
}

/** Metrics shown first when there is room for only a few: the ones people watch during training. */
const PRIORITY = ["loss", "val_loss", "val_bpb", "tokens_per_s"];

/**
 * Up to `max` metrics of a stage, watched ones first, then in the order they first appeared. The experts' load
 * (moe_frac_<i>, moe_dropped, moe_aux_loss) is left out: it has a line of its own (experts.ts).
 */
export function pickMetrics(s: StageView, max = Infinity): [string, number[]][] {
  const rank = (name: string) => {
    const i = PRIORITY.indexOf(name);
    return i === -1 ? PRIORITY.length : i;
  };
  return [...s.metrics].filter(([name]) => !isExpertMetric(name)).sort((a, b) => rank(a[0]) - rank(b[0])).slice(0, max);
}

/** "loss 3.214 · lr 0.0003": the latest value of (up to `max`) metrics. */
export function metricsText(s: StageView, max = Infinity): string {
  return pickMetrics(s, max).map(([name, vs]) => `${name} ${formatMetric(vs[vs.length - 1])}`).join(" · ");
}

/** Up to `max` changes joined with "; ", then "+N more". */
export function changesText(changes: readonly Change[], max = 3): string {
  const shown = changes.slice(0, max).map(formatChange);
  if (changes.length > max) shown.push(`+${changes.length - max} more`);
  return shown.join("; ");
}

/** "build ok: 5 stages (3 cached, 2 done) in 1.2s" or "build FAILED: ...". */
export function verdictText(summary: BuildSummary): string {
  const c = { cached: 0, done: 0, failed: 0, skipped: 0, queued: 0, running: 0 };
  for (const s of summary.stages) c[s.status]++;
  const parts = (["cached", "done", "failed", "skipped"] as const).filter((k) => c[k] > 0).map((k) => `${c[k]} ${k}`);
  const n = summary.stages.length;
  return `build ${summary.ok ? "ok" : "FAILED"}: ${n} stage${n === 1 ? "" : "s"} (${parts.join(", ")}) in ${formatDuration(summary.durationMs)}`;
}
