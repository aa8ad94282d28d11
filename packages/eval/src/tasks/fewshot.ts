// Few-shot contexts as the harness builds them: description, then n examples (text + target_delimiter + answer +
// fewshot_delimiter) drawn by a sampler, then the document's text. The default sampler draws with Python's
// Random(seed).sample over the few-shot docs, one generator per task advancing doc by doc (so contexts equal the
// harness's for the same seed); when the few-shot split "is" the test split it draws n + 1 and drops the document
// itself. first_n takes the split's first n in order.
import { TaskError } from "./errors.ts";
import { docDescription, docToChoice, docToTarget, docToText } from "./docfields.ts";
import { PyRandom } from "./pyrandom.ts";
import type { Doc, LoadedTask } from "./types.ts";

export class FewshotSampler {
  private readonly rnd: PyRandom;
  private readonly keys: string[];
  /** The harness compares fewshot_split with test_split (both unset counts as equal). */
  readonly excludesEvalDoc: boolean;

  constructor(
    readonly task: LoadedTask,
    seed: number,
  ) {
    this.rnd = new PyRandom(seed);
    this.keys = task.fewshotDocs.map((d) => JSON.stringify(d));
    this.excludesEvalDoc = (task.config.fewshot_split ?? null) === (task.config.test_split ?? null);
  }

  /** Indices into task.fewshotDocs of the n examples for doc. */
  sample(n: number, doc: Doc): number[] {
    if (n === 0) return [];
    const pool = this.task.fewshotDocs.length;
    const evalKey = this.excludesEvalDoc ? JSON.stringify(doc) : null;
    const firstN = this.task.config.fewshot_config?.sampler === "first_n";
    const available = pool - (evalKey !== null && this.keys.includes(evalKey) ? 1 : 0);
    if (n > available) {
      throw new TaskError({ file: this.task.source, field: "num_fewshot" }, `num_fewshot ${n} but the few-shot split has ${available} document(s) to draw from`, pool === 0 ? "give the task a training/validation/fewshot split with data (data_files) or run it 0-shot" : "lower num_fewshot or use a larger few-shot split");
    }
    const idx = Array.from({ length: pool }, (_, i) => i);
    if (firstN) return (evalKey === null ? idx : idx.filter((i) => this.keys[i] !== evalKey)).slice(0, n);
    if (evalKey === null) return this.rnd.sample(idx, n);
    return this.rnd.sample(idx, Math.min(n + 1, pool)).filter((i) => this.keys[i] !== evalKey).slice(0, n);
  }
}

/** The context string for task.docs[row] with n few-shot examples. */
export function fewshotContext(task: LoadedTask, row: number, n: number, sampler: FewshotSampler | null): string {
  const doc = task.docs[row]!;
  const c = task.config;
  const tgtDelim = c.target_delimiter ?? " ";
  const fewDelim = c.fewshot_delimiter ?? "\n\n";
  let ctx = docDescription({ task, row }, doc);
  if (n > 0) {
    if (!sampler) throw new Error("fewshotContext: n > 0 needs a sampler");
    for (const i of sampler.sample(n, doc)) {
      const ref = { task, row: i, fewshot: true };
      const fs = task.fewshotDocs[i]!;
      const q = docToText(ref, fs);
      const a = docToTarget(ref, fs);
      ctx += q;
      if (a === "") continue;
      let answer: string;
      if (typeof a === "number" && c.doc_to_choice != null) {
        const choices = docToChoice(ref, fs);
        if (a < 0 || a >= choices.length) throw new TaskError({ file: task.source, row: i, field: "doc_to_target" }, `target index ${a} is outside the ${choices.length} choices (few-shot split)`, "doc_to_target must give a 0-based index into doc_to_choice");
        answer = choices[a]!;
      } else answer = String(Array.isArray(a) ? a[0] : a);
      ctx += tgtDelim + answer + fewDelim;
    }
  }
  return ctx + docToText({ task, row }, doc);
}
