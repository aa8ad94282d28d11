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
  {
    name: "finetune",
    kind: "model.finetune",
    reads: ["finetune"],
    wantedBy: ["finetune"],
    // pack: sft's mix_pretrain rows; each stage of the chain consumes the previous policy (finetune/plan.ts).
    consumes: { model: "model", tokenizer: "tokenizer", pack: "shards" },
    produces: ["model"],
    summary: "fine-tune the model into a dialogue model: sft, dpo, reward and rl stages, each from the previous",
    load: async () => (await import("./finetune/plan.ts")).finetuneStage,
  },
];
