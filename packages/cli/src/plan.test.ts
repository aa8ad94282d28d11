// The planner is a registry of stage kinds: which sections a recipe writes decides how much pipeline it plans, each
// input comes from the latest producer of its artifact, and a section no stage reads is an error.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UsageError } from "./args.ts";
import { loadPlanned, writtenSections } from "./load.ts";
import { StageRegistry, type StageKind } from "@lathe/engine";
import { loadRecipe, planContexts, RecipeError, type PlanContext } from "@lathe/recipe";
import { holders, latestProducer, planTrial, recipeKinds } from "./plan.ts";
import { stageRegistry } from "./registry.ts";
import { findWorkspace } from "./workspace.ts";

const FIXTURES = join(import.meta.dir, "../../../tests/fixtures/cli");
const ws = findWorkspace(import.meta.dir, { LATHE_CACHE: join(import.meta.dir, "does-not-exist-cache") });

describe("the stage registry", () => {
  const registry = stageRegistry();

  test("registers the packages' stage kinds producers first, so the pipeline order is derived, not listed", () => {
    expect(registry.names().slice(0, 6)).toEqual(["collect", "clean", "tokenizer", "pack", "train", "sample"]);
  });

  test.each([
    [["name", "datasets", "clean"], "clean"],
    [["datasets", "tokenizer"], "pack"],
    [["datasets", "tokenizer", "model"], "sample"],
    [["datasets", "train"], "sample"],
    [["model"], "sample"],
    [[], "clean"],
  ] as const)("a recipe writing %p plans up to %s (its upstream included)", (sections, last) => {
    const kinds = recipeKinds(registry, new Set(sections)).map((k) => k.name);
    expect(kinds.slice(0, 2)).toEqual(["collect", "clean"]);
    expect(kinds).toContain(last);
    if (last !== "sample") expect(kinds.at(-1)).toBe(last);
  });

  test("the model sample and export use is the latest stage producing one", () => {
    expect(latestProducer(recipeKinds(registry, new Set(["model"])), "model")?.name).toBe("train");
    expect(latestProducer(recipeKinds(registry, new Set(["datasets"])), "model")).toBeUndefined();
  });

  test("a toy stage kind registered from outside the CLI is planned after the model it consumes, with the model's id as input", async () => {
    const toy: StageKind<PlanContext> = {
      name: "toy",
      kind: "test.toy",
      reads: ["serve"],
      wantedBy: ["serve"],
      consumes: { model: "model", tokenizer: "tokenizer" },
      produces: ["toy-report"],
      load: async () => ({
        plan: (ctx, id, inputs) => ({ id, kind: "test.toy", version: "1", params: { seed: ctx.recipe.seed }, inputs: { model: { stage: inputs.model! }, tokenizer: { stage: inputs.tokenizer! } }, run: async () => {} }),
        run: async () => {},
      }),
    };
    const r = new StageRegistry<PlanContext>().register(...registry.kinds, toy);
    const kinds = recipeKinds(r, new Set(["serve"]));
    expect(kinds.map((k) => k.name)).toEqual(["collect", "clean", "tokenizer", "pack", "train", "toy"]);
    expect(r.names().at(-1)).toBe("toy");
    const loaded = await loadRecipe(join(FIXTURES, "tiny-model.yaml"));
    const ctx = { ...planContexts(loaded)[0]!, id: (n: string) => `trial-9/${n}` };
    const graph = await planTrial(r, ctx, kinds);
    expect(graph.at(-1)!.def.inputs).toEqual({ model: { stage: "trial-9/train" }, tokenizer: { stage: "trial-9/tokenizer" } });
  });

  test("a kind planning a chain of stages hands its consumers the output it names, and each stage's artifacts are kept", async () => {
    const def = (id: string, input: string) => ({ id, kind: "test.chain", version: "1", params: {}, inputs: { model: { stage: input } }, run: async () => {} });
    const chain: StageKind<PlanContext> = {
      name: "chain", kind: "test.chain", reads: ["finetune"], wantedBy: ["finetune"], consumes: { model: "model" }, produces: ["model"],
      load: async () => ({
        plan: () => { throw new Error("planChain is used"); },
        planChain: (ctx, _id, inputs, earlier) => {
          expect(earlier.map((e) => e.def.id)).toContain(inputs.model!);
          const a = def(ctx.id("a"), inputs.model!);
          const critic = def(ctx.id("critic"), a.id);
          const b = def(ctx.id("b"), a.id);
          return { defs: [a, critic, b], output: b.id, artifacts: { [critic.id]: ["critic"] } };
        },
        run: async () => {},
      }),
    };
    const toy: StageKind<PlanContext> = {
      name: "after", kind: "test.after", reads: [], wantedBy: ["finetune"], consumes: { model: "model" }, produces: [],
      load: async () => ({ plan: (_c, id, inputs) => ({ ...def(id, inputs.model!), kind: "test.after" }), run: async () => {} }),
    };
    const r = new StageRegistry<PlanContext>().register(...registry.kinds.filter((k) => ["collect", "clean", "tokenizer", "pack", "train"].includes(k.name)), chain, toy);
    const loaded = await loadRecipe(join(FIXTURES, "tiny-model.yaml"));
    const ctx = planContexts(loaded)[0]!;
    const stages = await planTrial(r, ctx, recipeKinds(r, new Set(["finetune"])));
    expect(stages.map((s) => s.def.id).slice(-4)).toEqual(["a", "critic", "b", "after"]);
    expect(stages.at(-1)!.def.inputs).toEqual({ model: { stage: "b" } });
    expect(holders(stages, "model")).toEqual(["train", "a", "b"]);
    expect(holders(stages, "critic")).toEqual(["critic"]);
  });

  test("a kind that consumes an artifact nobody produces before it is a RegistryError naming both", () => {
    const orphan: StageKind<PlanContext> = { name: "orphan", kind: "test.orphan", reads: [], wantedBy: ["x"], consumes: { a: "nothing" }, produces: [], load: async () => { throw new Error("unused"); } };
    const r = new StageRegistry<PlanContext>().register(orphan);
    expect(() => r.select(new Set(["x"]))).toThrow('stage kind test.orphan consumes "nothing" but no kind registered before it produces one');
  });

  test("each stage's run is a function of its kind alone: every planned def uses its kind's runner", async () => {
    const r = await loadPlanned(ws, join(FIXTURES, "tiny-model.yaml"));
    for (const s of r.graph) expect(s.run).toBe(await registry.runner(s.kind));
  });
});

describe("writtenSections", () => {
  test.each([
    ["tiny.yaml", [], ["datasets", "clean", "vars"], ["model", "train", "tokenizer"]],
    ["tiny-model.yaml", [], ["datasets", "clean", "tokenizer", "model", "train"], []],
    ["tiny.yaml", ["tokenizer.vocab_size=300"], ["datasets", "tokenizer"], ["model", "train"]],
    ["tiny-sweep.yaml", [], ["datasets", "vars", "sweep"], ["model", "train", "tokenizer"]],
    ["tiny-sweep.yaml", ["sweep.zip={train.lr: [0.1, 0.2]}"], ["train"], ["model", "tokenizer"]],
  ] as const)("%s with --set %p writes %p and not %p (extends merged, defaults not counted)", async (file, set, has, hasNot) => {
    const written = writtenSections(await loadRecipe(join(FIXTURES, file), { set }));
    for (const s of has) expect(written).toContain(s);
    for (const s of hasNot) expect(written).not.toContain(s);
  });
});

describe("loadPlanned", () => {
  test.each([
    ["tiny.yaml", [], undefined, ["collect", "clean"]],
    ["tiny.yaml", ["tokenizer.vocab_size=300"], undefined, ["collect", "clean", "tokenizer", "pack"]],
    ["tiny-model.yaml", [], undefined, ["collect", "clean", "tokenizer", "pack", "train", "sample", "eval"]],
    ["tiny-model.yaml", [], "clean", ["collect", "clean"]],
    ["tiny-sweep.yaml", [], undefined, ["trial-1/collect", "trial-1/clean", "trial-2/collect", "trial-2/clean"]],
  ] as const)("%s with --set %p up to %p plans %p", async (file, sets, until, ids) => {
    const r = await loadPlanned(ws, join(FIXTURES, file), { sets, ...(until ? { until } : {}) });
    expect(r.graph.map((s) => s.id)).toEqual([...ids]);
  });

  test("asking a data-only recipe for a stage past its end is a UsageError naming the missing sections", async () => {
    const e = await loadPlanned(ws, join(FIXTURES, "tiny.yaml"), { until: "train", command: "sample" }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UsageError);
    expect((e as Error).message).toContain('has no "train" stage: it writes no tokenizer, model or train section, so its pipeline ends at clean');
    expect((e as Error).message).toContain("add a model: section");
  });
});

describe("sections no stage reads", () => {
  test("a written section that no registered stage reads is a located RecipeError, not silently accepted", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lathe-plan-"));
    const file = join(dir, "r.yaml");
    writeFileSync(file, `extends: ${join(FIXTURES, "tiny.yaml")}\nname: x\nserve:\n  port: 9000\n`);
    const e = await loadPlanned(ws, file).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RecipeError);
    expect((e as Error).message).toMatch(/r\.yaml:3:1: no stage reads the serve: section yet, so it would do nothing\. Hint: remove it; the sections stages read are /);
    const set = await loadPlanned(ws, join(FIXTURES, "tiny.yaml"), { sets: ["serve.port=9000"] }).catch((x: unknown) => x);
    expect((set as Error).message).toStartWith("--set serve.port=9000: no stage reads the serve: section");
  });
});
