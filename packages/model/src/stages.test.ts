// modelStages through the engine: train and sample run from a pack + tokenizer, rebuilds are cached, an edit to
// the sample settings reruns only the sample, and the trained model exports to Hugging Face GPT-2 names; a planned
// sweep with sweep.early_stop stops a clearly worse trial at its first rung, deterministically and cached.
import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build, plan, type StageDef } from "@lathe/engine";
import type { PlanContext, Recipe } from "@lathe/recipe";
import { byteTokenizer, exportHfTokenizer, saveTokenizer } from "@lathe/tokenizer";
import { bytePackDir, PANGRAMS } from "./fixtures.ts";
import { exportHf } from "./infer/export-hf.ts";
import { readSafetensors } from "./io/safetensors.ts";
import { modelStages, trainStage } from "./stages.ts";

const model = { kind: "gpt", n_layer: 1, n_head: 2, d_model: 16, context: 16 };
const train = { backend: "cpu", batch_size: 4, steps: 10, eval_every: 5, eval_batches: 1, sample: { prompt: "The ", max_tokens: 12 } };

function graph(recipe: Record<string, unknown>): StageDef[] {
  const ctx: PlanContext = { recipe: recipe as unknown as Recipe, file: "/x/r.yaml", root: "/x", id: (n) => n };
  const clean: StageDef = { id: "clean", kind: "test.clean", version: "1", params: {}, inputs: {}, run: async () => {} };
  const tokenizer: StageDef = {
    id: "tokenizer", kind: "test.tokenizer", version: "1", params: {}, inputs: { clean: { stage: "clean" } },
    run: async (c) => {
      const tok = byteTokenizer(["<|endoftext|>"]);
      saveTokenizer(tok, join(c.outDir, "tokenizer.json"));
      writeFileSync(join(c.outDir, "tokenizer.hf.json"), JSON.stringify(exportHfTokenizer(tok)));
    },
  };
  const pack: StageDef = {
    id: "pack", kind: "test.pack", version: "1", params: {}, inputs: { tokenizer: { stage: "tokenizer" } },
    run: async (c) => void bytePackDir(PANGRAMS.repeat(10), PANGRAMS.repeat(2), c.outDir),
  };
  const m = modelStages(ctx, { clean, tokenizer, pack });
  return [clean, tokenizer, pack, m.train, m.sample];
}

describe("modelStages", () => {
  test("train and sample run in the engine, then come from the cache; a sample edit reruns only sample", async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), "lathe-cache-"));
    const first = await build(graph({ seed: 1, model, train }), { cacheDir, concurrency: 1 });
    expect(first.ok).toBe(true);
    const out = (id: string) => first.stages.find((s) => s.id === id)!.outDir!;
    for (const f of ["model.safetensors", "config.json", "metrics.jsonl", "summary.json"]) expect(existsSync(join(out("train"), f))).toBe(true);
    const sample = JSON.parse(readFileSync(join(out("sample"), "sample.json"), "utf8"));
    expect(readFileSync(join(out("sample"), "sample.txt"), "utf8")).toStartWith("The ");
    expect(sample.tokens.length).toBeGreaterThan(0);

    const again = await build(graph({ seed: 1, model, train }), { cacheDir, concurrency: 1 });
    expect(again.stages.map((s) => s.status)).toEqual(["cached", "cached", "cached", "cached", "cached"]);

    const edited = await build(graph({ seed: 1, model, train: { ...train, sample: { ...train.sample, temperature: 0 } } }), { cacheDir, concurrency: 1 });
    expect(edited.stages.find((s) => s.id === "train")!.status).toBe("cached");
    expect(edited.stages.find((s) => s.id === "sample")!.status).toBe("done");

    const hf = mkdtempSync(join(tmpdir(), "lathe-hf-"));
    await exportHf({ trainDir: out("train"), tokenizerDir: out("tokenizer"), outDir: hf });
    const names = [...readSafetensors(join(hf, "model.safetensors")).tensors.entries()].map(([k, t]) => `${k} [${t.shape}]`);
    expect(names).toContain("transformer.wte.weight [257,16]");
    expect(names).toContain("transformer.h.0.attn.c_attn.weight [16,48]"); // Conv1D: (in, out)
    expect(names).toContain("transformer.h.0.mlp.c_proj.weight [64,16]");
    expect(names).not.toContain("lm_head.weight [257,16]"); // tied
    expect(JSON.parse(readFileSync(join(hf, "config.json"), "utf8"))).toMatchObject({ architectures: ["GPT2LMHeadModel"], n_embd: 16, n_layer: 1, n_head: 2, n_positions: 16, vocab_size: 257, eos_token_id: 256 });
    expect(existsSync(join(hf, "tokenizer.json"))).toBe(true);
  });

  test("the train key ignores how a default is written: explicit defaults equal omitted ones", () => {
    const a = graph({ seed: 1, model, train })[3];
    const b = graph({ seed: 1, model: { ...model, norm: "layernorm", bias: true }, train: { ...train, lr: 1e-3 } })[3];
    expect(b.params).toEqual(a.params);
  });

  test.each([
    [{ backend: "cpu" }, undefined],
    [{ backend: "cpu", time_budget: "9.5m" }, "time_budget 9.5m"],
    [{ backend: "cpu", time_budget: 90 }, "time_budget 90s"],
    [{ backend: "auto" }, "backend auto"],
    [{ backend: "auto", time_budget: "10m" }, "time_budget 10m, backend auto"],
    [{ backend: "webgpu" }, undefined],
  ])("train %o marks the stage machine-dependent with the reason %p (undefined: not at all)", (t, why) => {
    expect(graph({ seed: 1, model, train: { ...train, ...t } })[3]!.machineDependent).toBe(why);
  });

  test.each(["LATHE_MATMUL", "LATHE_TEX_RBS", "LATHE_BACKEND", "LATHE_ADAPTER"])("%s is in the train key and in no data stage's", async (name) => {
    const cacheDir = mkdtempSync(join(tmpdir(), "lathe-cache-"));
    const keys = async () => Object.fromEntries((await plan(graph({ seed: 1, model, train }), { cacheDir, root: "/x" })).map((p) => [p.id, p.key]));
    const before = process.env[name];
    delete process.env[name];
    try {
      const unset = await keys();
      process.env[name] = "general";
      const set = await keys();
      expect(set.train).not.toBe(unset.train);
      expect(set.sample).not.toBe(unset.sample); // downstream follows the train key
      expect(set.pack).toBe(unset.pack);
    } finally {
      if (before === undefined) delete process.env[name];
      else process.env[name] = before;
    }
  });
});

describe("early stopping in a planned sweep", () => {
  // Three trials of 30 steps, evaluated every 5: asha's rungs sit at steps 5 and 15 (grace 5, reduction 3). Trial 2's
  // lr is far too small, so at rung 0 its val_loss is still near ln(257) while trial 1's has dropped.
  const sweepTrain = { backend: "cpu", batch_size: 4, steps: 30, warmup_steps: 1, lr: 1e-2, eval_every: 5, eval_batches: 1, checkpoint_minutes: 0 };
  const lrs = [1e-2, 1e-6, 8e-3];
  const asha = { method: "asha", grace: 5, reduction: 3 };

  /** The shared data stages and one train stage per trial, as the planner plans a sweep (ctx.earlier). */
  function sweepGraph(earlyStop: Record<string, unknown> | undefined): StageDef[] {
    const base = graph({ seed: 1, model, train }).slice(0, 3);
    const names = lrs.map((_, i) => `trial-${i + 1}`);
    const trains = lrs.map((lr, i) => {
      const recipe = { seed: 1, model, train: { ...sweepTrain, lr }, sweep: earlyStop ? { grid: { "train.lr": lrs }, early_stop: earlyStop } : undefined };
      const ctx: PlanContext = {
        recipe: recipe as unknown as Recipe, file: "/x/r.yaml", root: "/x",
        id: (n) => `${names[i]}/${n}`,
        earlier: (n) => names.slice(0, i).map((t) => `${t}/${n}`),
      };
      return trainStage.plan(ctx, ctx.id("train"), { pack: "pack" });
    });
    return [...base, ...trains];
  }

  test("a clearly worse trial stops at its first rung with its reason; the first trial never stops; a rebuild is all cache hits", async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), "lathe-cache-"));
    const first = await build(sweepGraph(asha), { cacheDir, concurrency: 1 });
    expect(first.ok).toBe(true);
    const summary = (t: number) => JSON.parse(readFileSync(join(first.stages.find((s) => s.id === `trial-${t}/train`)!.outDir!, "summary.json"), "utf8"));
    expect(summary(1)).toMatchObject({ stopped_by: "steps", steps: 30, planned_steps: 30, stop_reason: null });
    const s2 = summary(2);
    expect(s2).toMatchObject({ stopped_by: "asha", steps: 5, planned_steps: 30 });
    expect(s2.stop_reason).toMatch(/^rung 0 \(step 5\): val_loss 5\.\d+ not in the top 1\/3 of 1 trial \(cutoff \d\.\d+\)$/);
    // The val numbers of a stopped trial are those of the evaluation it stopped at, and the model is saved.
    const metrics2 = readFileSync(join(first.stages.find((s) => s.id === "trial-2/train")!.outDir!, "metrics.jsonl"), "utf8")
      .trim().split("\n").map((l) => JSON.parse(l)).filter((l) => "val_loss" in l);
    expect(metrics2).toEqual([{ step: 5, val_loss: s2.val_loss, val_bpb: s2.val_bpb }]);
    expect(existsSync(join(first.stages.find((s) => s.id === "trial-2/train")!.outDir!, "model.safetensors"))).toBe(true);
    expect(["steps", "asha"]).toContain(summary(3).stopped_by);

    const again = await build(sweepGraph(asha), { cacheDir, concurrency: 1 });
    expect(again.stages.map((s) => s.status)).toEqual(["cached", "cached", "cached", "cached", "cached", "cached"]);
  }, 120_000);

  test("the trials' train stages take the earlier ones as peers, so their keys differ by their peers", async () => {
    const g = sweepGraph(asha);
    expect(g.slice(3).map((s) => Object.keys(s.inputs))).toEqual([["pack"], ["pack", "peer_0"], ["pack", "peer_0", "peer_1"]]);
    expect(g[5]!.inputs).toMatchObject({ peer_0: { stage: "trial-1/train" }, peer_1: { stage: "trial-2/train" } });
    expect(g[3]!.params).toMatchObject({ early_stop: { method: "asha", metric: "val_loss", grace: 5, reduction: 3 } });

    // Trial 3 with trial 2's lr: the same params, but its peers make it another key.
    const cacheDir = mkdtempSync(join(tmpdir(), "lathe-cache-"));
    const same = g.slice(0, 5).concat({ ...g[5]!, params: g[4]!.params });
    const keys = Object.fromEntries((await plan(same, { cacheDir, root: "/x" })).map((p) => [p.id, p.key]));
    expect(keys["trial-3/train"]).not.toBe(keys["trial-2/train"]);
  });

  test("the key covers the rule's own fields only", () => {
    const a = sweepGraph(asha)[3]!.params;
    expect(sweepGraph({ ...asha, min_trials: 7 })[3]!.params).toEqual(a); // min_trials is median's
    expect(sweepGraph({ ...asha, reduction: 2 })[3]!.params).not.toEqual(a);
    expect(sweepGraph({ method: "median", grace: 5 })[3]!.params).toMatchObject({ early_stop: { method: "median", metric: "val_loss", grace: 5, min_trials: 3 } });
  });

  test.each([[undefined], [{ method: "none", grace: 5 }]])("without early stopping (%p) a trial has no peers and the key it had before", async (earlyStop) => {
    const g = sweepGraph(earlyStop);
    for (const s of g.slice(3)) {
      expect(Object.keys(s.inputs)).toEqual(["pack"]);
      expect(Object.keys(s.params as object)).toEqual(["model", "train", "seed"]);
    }
    const cacheDir = mkdtempSync(join(tmpdir(), "lathe-cache-"));
    const keys = async (gr: StageDef[]) => (await plan(gr, { cacheDir, root: "/x" })).map((p) => p.key);
    expect(await keys(g)).toEqual(await keys(sweepGraph(undefined)));
  });
});
