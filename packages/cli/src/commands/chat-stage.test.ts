// `lathe chat --stage`: "base" is the train stage, no stage is the latest model, a name the recipe lacks is an error
// listing the model stages it has, and in a sweep every name resolves within the chosen trial.
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { PlannedDef } from "@lathe/engine";
import type { PlanContext } from "@lathe/recipe";
import { UsageError } from "../args.ts";
import { loadPlanned, type PlannedRecipe } from "../load.ts";
import { findWorkspace } from "../workspace.ts";
import { chatStages, resolveChatStage } from "./chat-stage.ts";

const ROOT = join(import.meta.dir, "../../../..");
const ws = findWorkspace(ROOT, { LATHE_CACHE: join(import.meta.dir, "does-not-exist-cache") });

describe("a planned recipe with only a train stage (recipes/tiny.yaml)", async () => {
  const recipe = await loadPlanned(ws, join(ROOT, "recipes/tiny.yaml"), { untilProducer: "model", command: "chat" });
  const ctx = recipe.contexts[0]!;

  test("has one model stage, base, which is the train stage", () => {
    expect(chatStages(recipe, ctx)).toEqual([{ name: "base", id: "train" }]);
  });

  test.each([
    ["no --stage", undefined],
    ["--stage base", "base"],
    ["--stage train", "train"],
  ])("%s resolves to the train stage", (_, name) => {
    expect(resolveChatStage(recipe, ctx, name)).toEqual({ name: "base", id: "train" });
  });

  test("--stage sft is a UsageError naming the recipe and listing its model stages", () => {
    const e = (() => {
      try {
        resolveChatStage({ ...recipe, shown: "recipes/tiny.yaml" }, ctx, "sft");
      } catch (x) {
        return x;
      }
    })();
    expect(e).toBeInstanceOf(UsageError);
    expect((e as UsageError).message).toBe(
      "lathe chat: recipes/tiny.yaml has no sft stage; its model stages are: base (train). Hint: chat with one of those (--stage base), or add the stage to the recipe's finetune: list and build it",
    );
  });

  test("/stage in a session suggests the slash command and the closest name", () => {
    expect(() => resolveChatStage({ ...recipe, shown: "recipes/tiny.yaml" }, ctx, "bse", { via: "/stage" })).toThrow(
      "lathe chat: recipes/tiny.yaml has no bse stage; its model stages are: base (train). Hint: did you mean /stage base?",
    );
  });
});

describe("a sweep trial with fine-tuning stages", () => {
  // A hand-made plan: trial-2 holds train → sft → dpo (a reward stage beside them holds no model).
  const ctx = { id: (n: string) => `trial-2/${n}` } as unknown as PlanContext;
  const def = (name: string, artifacts: string[]): PlannedDef => ({
    def: { id: ctx.id(name), kind: `test.${name}`, version: "1", params: {}, inputs: {}, run: async () => {} },
    kind: name,
    artifacts,
  });
  const recipe = {
    shown: "recipes/chat-sweep.yaml",
    contexts: [ctx],
    trials: [[def("tokenizer", ["tokenizer"]), def("train", ["model"]), def("sft", ["model"]), def("reward", ["reward-model"]), def("dpo", ["model"])]],
  } as unknown as PlannedRecipe;

  test("lists base, sft and dpo with the trial's ids", () => {
    expect(chatStages(recipe, ctx)).toEqual([
      { name: "base", id: "trial-2/train" },
      { name: "sft", id: "trial-2/sft" },
      { name: "dpo", id: "trial-2/dpo" },
    ]);
  });

  test.each([
    ["no --stage", "trial-2/dpo", undefined],
    ["--stage base", "trial-2/train", "base"],
    ["--stage sft", "trial-2/sft", "sft"],
    ["--stage dpo", "trial-2/dpo", "dpo"],
  ])("%s means %s", (_, id, name) => {
    expect(resolveChatStage(recipe, ctx, name).id).toBe(id);
  });

  test("a stage that holds no model (reward) is not a chat stage", () => {
    expect(() => resolveChatStage(recipe, ctx, "reward")).toThrow("recipes/chat-sweep.yaml has no reward stage; its model stages are: base (train), sft, dpo");
  });
});
