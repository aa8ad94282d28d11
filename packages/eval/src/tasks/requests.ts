// One document → the LM requests the harness would send for it: multiple_choice → one loglikelihood per choice
// (context, target_delimiter + choice); loglikelihood → (context, target); loglikelihood_rolling → the target text;
// generate_until → (context, until, max_gen_toks, temperature).
import type { GenerateRequest, LoglikelihoodRequest } from "../lm/types.ts";
import { docToChoice, docToTarget, type Target } from "./docfields.ts";
import { TaskError } from "./errors.ts";
import { fewshotContext, type FewshotSampler } from "./fewshot.ts";
import type { LoadedTask } from "./types.ts";

export type DocRequests =
  | { readonly kind: "loglikelihood"; readonly reqs: LoglikelihoodRequest[]; readonly target: Target; readonly choices?: string[] }
  | { readonly kind: "rolling"; readonly text: string; readonly target: Target }
  | { readonly kind: "generate"; readonly req: GenerateRequest; readonly target: Target; readonly choices?: string[] };

/** harness HFLM's default max_gen_toks. */
export const DEFAULT_MAX_GEN_TOKS = 256;

export function docRequests(task: LoadedTask, row: number, numFewshot: number, sampler: FewshotSampler | null): DocRequests {
  const c = task.config;
  const doc = task.docs[row]!;
  const ref = { task, row };
  const target = docToTarget(ref, doc);
  const asString = (field: string): string => {
    if (typeof target !== "string") throw new TaskError({ file: task.source, row, field }, `doc_to_target gave ${JSON.stringify(target)}, not a string`, `${c.output_type} tasks score the target text; make doc_to_target yield a string`);
    return target;
  };
  switch (c.output_type) {
    case "multiple_choice": {
      const ctx = fewshotContext(task, row, numFewshot, sampler);
      const choices = docToChoice(ref, doc);
      const delim = c.target_delimiter ?? " ";
      return { kind: "loglikelihood", reqs: choices.map((ch) => ({ context: ctx, continuation: delim + ch })), target, choices };
    }
    case "loglikelihood": {
      const ctx = fewshotContext(task, row, numFewshot, sampler);
      return { kind: "loglikelihood", reqs: [{ context: ctx, continuation: asString("doc_to_target") }], target };
    }
    case "loglikelihood_rolling":
      return { kind: "rolling", text: asString("doc_to_target"), target };
    case "generate_until": {
      const ctx = fewshotContext(task, row, numFewshot, sampler);
      const g = c.generation_kwargs ?? {};
      const until = g.until ?? [c.fewshot_delimiter ?? "\n\n"];
      const req: GenerateRequest = { context: ctx, until, maxTokens: g.max_gen_toks ?? DEFAULT_MAX_GEN_TOKS, temperature: g.do_sample ? (g.temperature ?? 1) : 0 };
      return c.doc_to_choice != null ? { kind: "generate", req, target, choices: docToChoice(ref, doc) } : { kind: "generate", req, target };
    }
  }
}
