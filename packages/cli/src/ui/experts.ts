// The load of a mixture-of-experts model's experts as one line, from a train stage's moe_* metrics (the trainer's
// auxMetrics: moe_frac_0 … moe_frac_{E-1} each expert's share of the token-expert assignments, moe_dropped the share
// over capacity, moe_aux_loss the weighted balancing loss): "experts ▅▅▄█▁▅▄▅ dropped 1.2% aux 0.0101".
// Each bar is an expert's latest share against an even share 1/E: ▁ none, ▅ even, █ twice even or more, so a
// balanced router reads as a flat row and a collapsing one as a few tall bars.
import { formatMetric } from "./format.ts";
import type { StageView } from "./state.ts";

const FRAC = /^moe_frac_(\d+)$/;
/** Metrics the expert line shows, left out of the stage's other metric texts and charts. */
const SHOWN = new Set(["moe_dropped", "moe_aux_loss"]);
const BLOCKS = "▁▂▃▄▅▆▇█";

/** Whether a metric is shown in the expert line rather than on its own. */
export function isExpertMetric(name: string): boolean {
  return FRAC.test(name) || SHOWN.has(name);
}

export interface ExpertLoad {
  /** Latest share of the assignments per expert, by expert index (NaN for an expert not reported). */
  readonly fracs: readonly number[];
  /** Latest share of the assignments dropped over capacity, 0..1. */
  readonly dropped?: number;
  /** Latest weighted load-balancing loss. */
  readonly auxLoss?: number;
}

/** The stage's latest expert load, or undefined while it has logged no moe_frac_<i> metric. */
export function expertLoad(s: StageView): ExpertLoad | undefined {
  const fracs: number[] = [];
  for (const [name, values] of s.metrics) {
    const m = FRAC.exec(name);
    if (m && values.length > 0) fracs[Number(m[1])] = values[values.length - 1];
  }
  if (fracs.length === 0) return undefined;
  const latest = (name: string) => s.metrics.get(name)?.at(-1);
  return { fracs: Array.from(fracs, (f) => f ?? NaN), dropped: latest("moe_dropped"), auxLoss: latest("moe_aux_loss") };
}

/** One bar per expert: its share as a multiple of an even share 1/E, ▁ at 0, ▅ at 1x, █ at 2x and above; ? unknown. */
export function expertBars(fracs: readonly number[]): string {
  const E = fracs.length;
  return fracs.map((f) => (Number.isFinite(f) ? BLOCKS[Math.min(BLOCKS.length - 1, Math.max(0, Math.round((f * E * (BLOCKS.length - 1)) / 2)))] : "?")).join("");
}

/** "experts ▅▅▄█▁▅▄▅ dropped 1.2% aux 0.0101" (dropped and aux only when logged); "" without expert metrics. */
export function expertLoadText(s: StageView): string {
  const load = expertLoad(s);
  if (!load) return "";
  const parts = [`experts ${expertBars(load.fracs)}`];
  if (load.dropped !== undefined && Number.isFinite(load.dropped)) parts.push(`dropped ${(100 * load.dropped).toFixed(1)}%`);
  if (load.auxLoss !== undefined) parts.push(`aux ${formatMetric(load.auxLoss)}`);
  return parts.join(" ");
}
