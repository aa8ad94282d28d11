// Test helpers: the fixtures' data files per shipped task, and TableLM, a test double EvalLM whose log-likelihoods
// come from a table keyed by continuation, greedy flags from a set, rolling scores and generations from functions.
import { join } from "node:path";
import type { EvalLM, GenerateRequest, LoglikelihoodRequest, LoglikelihoodResult, RollingResult } from "../lm/types.ts";

export const FIXTURES = join(import.meta.dir, "../../fixtures/tasks");
export const DATA: Record<string, Record<string, string>> = {
  hellaswag: { validation: "hellaswag_validation.jsonl", train: "hellaswag_train.jsonl" },
  arc_easy: { test: "arc_easy_test.jsonl", train: "arc_easy_train.jsonl" },
  arc_challenge: { test: "arc_easy_test.jsonl", train: "arc_easy_train.jsonl" },
  truthfulqa_mc1: { validation: "truthfulqa_mc_validation.jsonl" },
  truthfulqa_mc2: { validation: "truthfulqa_mc_validation.jsonl" },
  piqa: { validation: "piqa_validation.csv" },
  lambada_openai: { test: "lambada_test.jsonl" },
  mmlu_anatomy: { test: "mmlu_anatomy_test.parquet", dev: "mmlu_anatomy_dev.parquet" },
};

export class TableLM implements EvalLM {
  readonly name = "table-lm";
  readonly seen: LoglikelihoodRequest[] = [];
  constructor(
    readonly table: Readonly<Record<string, number>>,
    readonly opts: { greedy?: ReadonlySet<string>; fallback?: number; rolling?: (t: string) => number; generate?: (r: GenerateRequest) => string; failOn?: string } = {},
  ) {}

  async loglikelihood(reqs: readonly LoglikelihoodRequest[]): Promise<LoglikelihoodResult[]> {
    this.seen.push(...reqs);
    return reqs.map((r) => {
      if (this.opts.failOn && r.context.includes(this.opts.failOn)) throw new Error(`TableLM: refused context containing ${JSON.stringify(this.opts.failOn)}`);
      return { logprob: this.table[r.continuation] ?? this.opts.fallback ?? -10, isGreedy: this.opts.greedy?.has(r.continuation) ?? false, tokens: 1 };
    });
  }
  async loglikelihoodRolling(texts: readonly string[]): Promise<RollingResult[]> {
    return texts.map((t) => ({ logprob: this.opts.rolling?.(t) ?? -1, tokens: 1 }));
  }
  async generateUntil(reqs: readonly GenerateRequest[]): Promise<string[]> {
    return reqs.map((r) => this.opts.generate?.(r) ?? "");
  }
}
