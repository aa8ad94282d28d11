// The stage kinds @lathe/eval contributes to the planner (declared in package.json under lathe.stages).
import type { StageKind } from "@lathe/engine";
import type { PlanContext } from "@lathe/recipe";

export const STAGE_KINDS: readonly StageKind<PlanContext>[] = [
  {
    name: "eval",
    kind: "eval.run",
    reads: ["eval"],
    // Every recipe with a model gets its report card; the section only tunes it.
    wantedBy: ["model", "train", "eval"],
    consumes: { model: "model", tokenizer: "tokenizer", clean: "splits" },
    produces: ["report"],
    summary: "score the model: intrinsic metrics and lm-evaluation-harness tasks, a report card",
    load: async () => (await import("./stage/plan.ts")).evalStage,
  },
];
