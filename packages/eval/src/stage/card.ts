// The report card of one eval stage: a column for the model it evaluated, intrinsic rows per dataset, task rows per
// metric (value ± standard error, chance level, n, the contamination note), and rows for failed tasks' notes.
import type { CardRow, ReportCard } from "../report/card.ts";
import type { HarnessResults } from "../tasks/results.ts";
import type { IntrinsicMetrics } from "../intrinsic.ts";
import type { ContaminationReport } from "./contamination.ts";

export interface CardInput {
  readonly recipe: string;
  /** The model stage's id and label (the column). */
  readonly column: { readonly id: string; readonly label: string };
  readonly intrinsic: readonly { readonly dataset: string; readonly metrics: IntrinsicMetrics }[];
  readonly results: HarnessResults;
  readonly chance: Readonly<Record<string, number>>;
  readonly contamination: Readonly<Record<string, ContaminationReport>>;
}

const INTRINSIC: readonly [keyof IntrinsicMetrics, string, number][] = [
  ["bits_per_byte", "bits_per_byte", 4],
  ["token_perplexity", "token_perplexity", 2],
  ["byte_perplexity", "byte_perplexity", 3],
  ["word_perplexity", "word_perplexity", 1],
  ["bits_per_char", "bits_per_char", 4],
];

/** Metrics shown first for a task when it has several (the one its chance level refers to). */
const MAIN = ["acc", "acc_norm", "mc1", "mc2", "exact_match", "synonym_reward", "contains_any", "bleu", "loss", "perplexity", "word_perplexity", "bits_per_byte"];

export function buildCard(c: CardInput): ReportCard {
  const rows: CardRow[] = [];
  for (const { dataset, metrics } of c.intrinsic) {
    for (const [key, name, digits] of INTRINSIC) {
      rows.push({ group: "intrinsic", name: `${name} (${dataset})`, higherIsBetter: false, digits, cells: [{ value: metrics[key], n: metrics.docs }] });
    }
  }
  const tasks = Object.keys(c.results.results).sort((a, b) => a.localeCompare(b));
  for (const task of tasks) {
    const values = c.results.results[task]!;
    const hib = c.results.higher_is_better[task] ?? {};
    const metrics = Object.keys(values).filter((k) => k.endsWith(",none") && !k.includes("_stderr,")).map((k) => k.slice(0, -",none".length));
    metrics.sort((a, b) => (MAIN.indexOf(a) < 0 ? 99 : MAIN.indexOf(a)) - (MAIN.indexOf(b) < 0 ? 99 : MAIN.indexOf(b)));
    const n = c.results["n-samples"][task]?.effective;
    const cont = c.contamination[task];
    metrics.forEach((m, i) => {
      const v = values[`${m},none`];
      if (typeof v !== "number") return;
      const se = values[`${m}_stderr,none`];
      const note = i === 0 && cont && cont.affected > 0 ? `${cont.affected} of ${cont.items} items share a 13-gram with the training split; ${m} on the ${cont.items - cont.affected} clean items: ${cont.clean[m]?.toFixed(3) ?? "n/a"}` : undefined;
      const chance = c.chance[task] !== undefined && (m === "acc" || m === "acc_norm" || m === "mc1") ? c.chance[task] : undefined;
      rows.push({
        group: "tasks",
        name: `${task} ${m}`,
        ...(chance !== undefined ? { chance } : {}),
        ...(typeof hib[m] === "boolean" ? { higherIsBetter: hib[m] as boolean } : {}),
        ...(m.includes("perplexity") ? { digits: 2 } : {}),
        cells: [{ value: v, ...(typeof se === "number" && Number.isFinite(se) ? { stderr: se } : {}), ...(n !== undefined ? { n } : {}), ...(note ? { note } : {}) }],
      });
    });
  }
  const notes: string[] = [];
  for (const [task, f] of Object.entries(c.results.failed ?? {})) notes.push(`${task} failed: ${f.error}`);
  return { recipe: c.recipe, columns: [c.column], rows, notes };
}
