// The stage kinds @lathe/tokenizer contributes to the planner (declared in package.json under lathe.stages).
import type { StageKind } from "@lathe/engine";
import type { TokenizerPlanContext } from "./stages/index.ts";

export const STAGE_KINDS: readonly StageKind<TokenizerPlanContext>[] = [
  {
    name: "tokenizer",
    kind: "tokenizer.train",
    reads: ["tokenizer"],
    wantedBy: ["tokenizer"],
    consumes: { clean: "splits" },
    produces: ["tokenizer"],
    summary: "train the tokenizer on the train split",
    load: async () => (await import("./stages/index.ts")).tokenizerKind,
  },
  {
    name: "pack",
    kind: "tokenizer.pack",
    reads: ["tokenizer"],
    wantedBy: ["tokenizer"],
    consumes: { clean: "splits", tokenizer: "tokenizer" },
    produces: ["shards"],
    summary: "encode the splits into token shards",
    load: async () => (await import("./stages/index.ts")).packKind,
  },
];
