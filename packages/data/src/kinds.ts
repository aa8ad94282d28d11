// The stage kinds @lathe/data contributes to the planner (declared in package.json under lathe.stages). Light on
// purpose: the implementations load only when a recipe plans them.
import type { StageKind } from "@lathe/engine";
import type { DataPlanContext } from "./stages/context.ts";

export const STAGE_KINDS: readonly StageKind<DataPlanContext>[] = [
  {
    name: "collect",
    kind: "data.collect",
    reads: ["datasets"],
    wantedBy: ["datasets", "clean"],
    consumes: {},
    produces: ["docs"],
    summary: "read every dataset source into docs.jsonl",
    load: async () => (await import("./stages/stages.ts")).collectStage,
  },
  {
    name: "clean",
    kind: "data.clean",
    reads: ["clean"],
    wantedBy: ["datasets", "clean"],
    consumes: { collect: "docs" },
    produces: ["splits"],
    summary: "filter, dedup, redact and split into train/val/test.jsonl",
    load: async () => (await import("./stages/stages.ts")).cleanStage,
  },
];
