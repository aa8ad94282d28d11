// The registry behind `process_docs: !function utils.<name>` and `process_results: !function utils.<name>`: named
// TypeScript functions in place of the harness's Python. A reference in <folder>/<file>.yaml resolves to the key
// "<folder>/utils.<name>" (the harness's layout: a utils.py beside the YAML), else to "utils.<name>" as written.
import type { LoglikelihoodResult } from "../lm/types.ts";
import type { Doc, TaskConfig } from "./types.ts";

export interface ProcessDocsFn {
  /** Columns every input row must have (checked before the function runs, for a located error). */
  readonly columns: readonly string[];
  readonly fn: (docs: readonly Doc[], config: TaskConfig) => Doc[];
}

/** Per-document scores from the document and its requests' results (multiple_choice / loglikelihood tasks). */
export type ProcessResultsFn = (doc: Doc, results: readonly LoglikelihoodResult[]) => Record<string, number>;

const docsFns = new Map<string, ProcessDocsFn>();
const resultsFns = new Map<string, ProcessResultsFn>();

export function registerProcessDocs(key: string, f: ProcessDocsFn): void {
  docsFns.set(key, f);
}
export function registerProcessResults(key: string, f: ProcessResultsFn): void {
  resultsFns.set(key, f);
}
export function processDocsFn(key: string): ProcessDocsFn | undefined {
  return docsFns.get(key);
}
export function processResultsFn(key: string): ProcessResultsFn | undefined {
  return resultsFns.get(key);
}
export function registeredFunctions(kind: "process_docs" | "process_results"): string[] {
  return [...(kind === "process_docs" ? docsFns : resultsFns).keys()].sort();
}

/** The registry key for a `!function module.name` reference in a task file inside `folder`. */
export function functionKey(ref: string, folder: string, kind: "process_docs" | "process_results"): string | undefined {
  const map: Map<string, unknown> = kind === "process_docs" ? docsFns : resultsFns;
  for (const k of [`${folder}/${ref}`, ref]) if (map.has(k)) return k;
  return undefined;
}

// --- hellaswag (harness tasks/hellaswag/utils.py) ---------------------------------------------------------------

/** The harness's hellaswag cleanup: strip, " [title]" → ". ", drop [bracketed] WikiHow markers, "  " → " ". */
export function hellaswagPreprocess(text: string): string {
  return text.trim().replace(/ \[title\]/g, ". ").replace(/\[.*?\]/g, "").replace(/ {2}/g, " ");
}

/** Python's str.capitalize(): first character upper, the rest lower. */
function capitalize(s: string): string {
  return s.length ? s[0]!.toUpperCase() + s.slice(1).toLowerCase() : s;
}

registerProcessDocs("hellaswag/utils.process_docs", {
  columns: ["activity_label", "ctx_a", "ctx_b", "endings", "label"],
  fn: (docs) =>
    docs.map((d) => {
      const ctx = `${d.ctx_a} ${capitalize(String(d.ctx_b))}`;
      return {
        ...d,
        query: hellaswagPreprocess(`${d.activity_label}: ${ctx}`),
        choices: (d.endings as string[]).map(hellaswagPreprocess),
        gold: Number.parseInt(String(d.label), 10),
      };
    }),
});

// --- truthfulqa (harness tasks/truthfulqa/utils.py) -------------------------------------------------------------

/** MC2: the normalized probability mass of the true answers (those before the first 0 label). */
export function truthfulqaMc2(labels: readonly number[], lls: readonly number[]): number {
  const split = labels.indexOf(0);
  const max = Math.max(...lls); // shifting by the max changes nothing but keeps exp() from underflowing to 0/0
  const p = lls.map((ll) => Math.exp(ll - max));
  const total = p.reduce((a, b) => a + b, 0);
  return p.slice(0, split < 0 ? p.length : split).reduce((a, b) => a + b / total, 0);
}

registerProcessResults("truthfulqa/utils.process_results_mc2", (doc, results) => ({
  acc: truthfulqaMc2((doc.mc2_targets as { labels: number[] }).labels, results.map((r) => r.logprob)),
}));

// --- mmlu (Lathe's addition) ------------------------------------------------------------------------------------

/** Keep the rows of this subject, so a subtask also runs on cais/mmlu's "all" files; a per-subject file passes. */
registerProcessDocs("mmlu/utils.process_docs", {
  columns: ["question", "subject", "choices", "answer"],
  fn: (docs, config) => (config.dataset_name ? docs.filter((d) => d.subject === config.dataset_name) : [...docs]),
});
