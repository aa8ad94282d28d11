// The stage kinds @lathe/model contributes to the planner (declared in package.json under lathe.stages). Light on
// purpose: WebGPU and the trainer load only when a recipe plans them.
import type { StageKind } from "@lathe/engine";
import type { PlanContext } from "@lathe/recipe";

export const STAGE_KINDS: readonly StageKind<PlanContext>[] = [
  {
    name: "train",
    kind: "model.train",
    reads: ["model", "train"],
    wantedBy: ["model", "train"],
    consumes: { pack: "shards" },
    produces: ["model"],
    summary: "pretrain the model on the packed shards",
    load: async () => (await import("./stages.ts")).trainStage,
  },
  {
    name: "sample",
    kind: "model.sample",
    reads: ["train"],
    wantedBy: ["model", "train"],
    consumes: { train: "model", tokenizer: "tokenizer" },
    produces: ["sample"],
    summary: "continue train.sample.prompt with the trained model",
    load: async () => (await import("./stages.ts")).sampleStage,
  },
];
