// The planner stops where the recipe stops: which sections a recipe writes decides how much pipeline it plans.
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { UsageError } from "./args.ts";
import { loadPlanned, writtenSections } from "./load.ts";
import { recipeEnd } from "./plan.ts";
import { loadRecipe } from "@lathe/recipe";
import { findWorkspace } from "./workspace.ts";

const FIXTURES = join(import.meta.dir, "../../../tests/fixtures/cli");
const ws = findWorkspace(import.meta.dir, { LATHE_CACHE: join(import.meta.dir, "does-not-exist-cache") });

describe("recipeEnd", () => {
  test.each([
    [["name", "datasets", "clean"], "clean"],
    [["datasets", "tokenizer"], "pack"],
    [["datasets", "tokenizer", "model"], "sample"],
    [["datasets", "train"], "sample"],
    [["model"], "sample"],
    [[], "clean"],
  ] as const)("a recipe writing %p ends at %s", (sections, end) => {
    expect(recipeEnd(new Set(sections))).toBe(end);
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
    ["tiny-model.yaml", [], undefined, ["collect", "clean", "tokenizer", "pack", "train", "sample"]],
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
