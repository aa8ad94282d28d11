// The finetune stages end to end on a tiny byte-level GPT, on the CPU reference backend: the chain's plan (ids,
// parents, located errors), SFT learning a planted Q&A set, RL raising a one-token verifiable reward, every kind
// resuming a killed run on the same curve, and bad rows counted per rule.
import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build, plan, type PlannedDef, type StageContext, type StageDef } from "@lathe/engine";
import { openDevice } from "../train/device.ts";
import type { PlanContext, Recipe } from "@lathe/recipe";
import { byteTokenizer, renderChat, saveTokenizer } from "@lathe/tokenizer";
import { bytePackDir, PANGRAMS } from "../fixtures.ts";
import { loadDecoder } from "../infer/decode/load.ts";
import { trainStage } from "../stages.ts";
import { finetuneStage } from "./plan.ts";
import { runFinetune } from "./run.ts";

const SPECIALS = ["<|endoftext|>", "<|system|>", "<|user|>", "<|assistant|>", "<|end|>"];
const model = { kind: "gpt", n_layer: 1, n_head: 2, d_model: 32, context: 48 };
const train = { backend: "cpu", batch_size: 8, steps: 40, lr: 3e-3, eval_every: 0, eval_batches: 1, checkpoint_every: 0, sample: { prompt: "The ", max_tokens: 4 } };
const QA = [
  ["ping?", "pong"],
  ["sky?", "blue"],
  ["two?", "2"],
  ["cat?", "meow"],
] as const;

const tok = byteTokenizer(SPECIALS);

/** A recipe folder with JSONL data files, and a PlanContext for it. */
function workspace(finetune: unknown[], extra: Record<string, unknown> = {}): { ctx: PlanContext; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), "lathe-ft-"));
  const sft = QA.map(([q, a]) => JSON.stringify({ messages: [{ role: "user", content: q }, { role: "assistant", content: a }] }));
  writeFileSync(join(dir, "qa.jsonl"), `${sft.join("\n")}\n`);
  const pairs = QA.map(([q, a], i) => JSON.stringify({ prompt: q, chosen: a, rejected: QA[(i + 1) % QA.length]![1] }));
  writeFileSync(join(dir, "pairs.jsonl"), `${pairs.join("\n")}\n`);
  writeFileSync(join(dir, "pick.jsonl"), `${Array.from({ length: 8 }, (_, i) => JSON.stringify({ prompt: `pick ${i}`, answers: ["a"] })).join("\n")}\n`);
  const recipe = { seed: 3, model, train, tokenizer: { special_tokens: SPECIALS }, finetune, ...extra } as unknown as Recipe;
  return { ctx: { recipe, file: join(dir, "r.yaml"), root: dir, id: (n) => n, locate: () => ({ file: "r.yaml", line: 7, col: 3 }) }, dir };
}

function upstream(): StageDef[] {
  const tokenizer: StageDef = { id: "tokenizer", kind: "test.tokenizer", version: "1", params: {}, inputs: {}, run: async (c) => saveTokenizer(tok, join(c.outDir, "tokenizer.json")) };
  const pack: StageDef = { id: "pack", kind: "test.pack", version: "1", params: {}, inputs: {}, run: async (c) => {
    bytePackDir(PANGRAMS.repeat(20), PANGRAMS.repeat(2), c.outDir);
    const meta = JSON.parse(readFileSync(join(c.outDir, "meta.json"), "utf8"));
    writeFileSync(join(c.outDir, "meta.json"), JSON.stringify({ ...meta, vocab_size: tok.vocabSize })); // the chat specials' ids too
  } };
  return [tokenizer, pack];
}

async function graph(ctx: PlanContext): Promise<StageDef[]> {
  const [tokenizer, pack] = upstream();
  const trainDef = trainStage.plan(ctx, "train", { pack: pack!.id });
  const earlier: PlannedDef[] = [tokenizer!, pack!, trainDef].map((def) => ({ def, kind: def.id, artifacts: def.id === "train" ? ["model"] : [] }));
  const chain = finetuneStage.planChain!(ctx, "finetune", { model: "train", tokenizer: "tokenizer", pack: "pack" }, earlier);
  return [tokenizer!, pack!, trainDef, ...chain.defs];
}

const common = { backend: "cpu", heldout: "split", heldout_fraction: 0, log_every: 1, checkpoint_every: 0 };

describe("finetune stages", () => {
  test("the finetune list plans a chain: each stage's parent is the previous policy, a reward stage feeds rl without joining the chain", async () => {
    const { ctx } = workspace([
      { kind: "sft", data: "qa.jsonl", ...common },
      { kind: "reward", data: "pairs.jsonl", ...common },
      { kind: "rl", data: "pick.jsonl", reward: "model", ...common },
      { kind: "sft", data: "qa.jsonl", ...common },
    ]);
    const defs = await graph(ctx);
    const byId = new Map(defs.map((d) => [d.id, d]));
    expect(defs.map((d) => d.id)).toEqual(["tokenizer", "pack", "train", "sft", "reward", "rl", "sft-2"]);
    expect(byId.get("sft")!.inputs.parent).toEqual({ stage: "train" });
    expect(byId.get("reward")!.inputs.parent).toEqual({ stage: "sft" });
    expect(byId.get("rl")!.inputs.parent).toEqual({ stage: "sft" });
    expect(byId.get("rl")!.inputs.reward).toEqual({ stage: "reward" });
    expect(byId.get("sft-2")!.inputs.parent).toEqual({ stage: "rl" });
    expect(byId.get("sft")!.inputs.files).toEqual({ files: ["qa.jsonl"] });
  });

  test("re-pretraining changes the key of every fine-tuning stage, and only a stage's own edit changes only its key downstream", async () => {
    const list = [{ kind: "sft", data: "qa.jsonl", ...common }, { kind: "dpo", data: "pairs.jsonl", ...common }];
    const cacheDir = mkdtempSync(join(tmpdir(), "lathe-ftc-"));
    const keys = async (ctx: PlanContext) => new Map((await plan(await graph(ctx), { cacheDir, root: ctx.root })).map((p) => [p.id, p.key]));
    const w = workspace(list);
    const a = await keys(w.ctx);
    const b = await keys({ ...w.ctx, recipe: { ...w.ctx.recipe, train: { ...train, steps: 41 } } as unknown as Recipe });
    const c = await keys({ ...w.ctx, recipe: { ...w.ctx.recipe, finetune: [list[0], { ...list[1], beta: 0.2 }] } as unknown as Recipe });
    for (const id of ["train", "sft", "dpo"]) expect(b.get(id)).not.toBe(a.get(id));
    expect(c.get("sft")).toBe(a.get("sft"));
    expect(c.get("dpo")).not.toBe(a.get("dpo"));
  });

  test.each([
    [[{ kind: "rl", reward: "model" }], "/finetune/0/reward", "reward: model needs a reward stage before this rl stage"],
    [[{ kind: "reward" }], "/finetune", "the finetune list has only reward stages"],
    [[{ kind: "sft", data: "missing.jsonl" }], "/finetune/0/data", "data file missing.jsonl does not exist"],
    [[{ kind: "sft", name: "train" }], "/finetune/0/name", 'stage name "train" is taken'],
  ])("a misplanned list %j is a located error at %s", async (list, pointer, message) => {
    const { ctx } = workspace(list as unknown[]);
    const err = await graph(ctx).then(() => null, (e: Error) => e);
    expect(err?.message).toContain(`r.yaml:7:3: ${pointer}`);
    expect(err?.message).toContain(message);
  });

  test("a tokenizer without the chat tokens is a located plan-time error, not a crash at step 0", async () => {
    const { ctx } = workspace([{ kind: "sft", data: "qa.jsonl", ...common }], { tokenizer: { special_tokens: ["<|endoftext|>"] } });
    const err = await graph(ctx).then(() => null, (e: Error) => e);
    expect(err?.message).toContain("r.yaml:7:3: /tokenizer");
    expect(err?.message).toContain("<|assistant|>");
  });

  test("SFT learns a planted Q&A set: greedy answers match exactly, and the held-out loss is near zero", async () => {
    const { ctx } = workspace([{ kind: "sft", data: "qa.jsonl", ...common, heldout: "qa.jsonl", steps: 250, batch_size: 8, lr: 5e-3, warmup_steps: 5 }]);
    const cacheDir = mkdtempSync(join(tmpdir(), "lathe-ftc-"));
    const r = await build(await graph(ctx), { cacheDir, concurrency: 1, root: ctx.root });
    expect(r.ok).toBe(true);
    const out = (id: string) => r.stages.find((s) => s.id === id)!.outDir!;
    const summary = JSON.parse(readFileSync(join(out("sft"), "summary.json"), "utf8"));
    expect(summary.heldout.loss).toBeLessThan(0.1);
    const end = tok.specialId("<|end|>")!;
    const dec = await loadDecoder({ trainDir: out("sft"), backend: "cpu", maxSequences: 4 });
    try {
      let right = 0;
      for (const [q, a] of QA) {
        const prompt = renderChat(tok, [{ role: "user", content: q }], { addGenerationPrompt: true }).ids;
        const g = await dec.generate(prompt, { maxTokens: 12, stop: [end] });
        if (tok.decode(g.tokens.filter((t) => t !== end)) === a) right++;
      }
      expect(right).toBeGreaterThanOrEqual(3);
    } finally {
      await dec.close();
    }
  }, 120_000);

  test("RL raises a verifiable reward whose answer is one token", async () => {
    const { ctx } = workspace([{ kind: "rl", data: "pick.jsonl", ...common, heldout: "pick.jsonl", reward: "exact", max_tokens: 1, group_size: 8, batch_size: 4, steps: 40, lr: 1e-2, warmup_steps: 0, kl: 0, schedule: "constant" }]);
    const cacheDir = mkdtempSync(join(tmpdir(), "lathe-ftc-"));
    const r = await build(await graph(ctx), { cacheDir, concurrency: 1, root: ctx.root });
    expect(r.ok).toBe(true);
    const dir = r.stages.find((s) => s.id === "rl")!.outDir!;
    const lines = readFileSync(join(dir, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, number>);
    const rewards = lines.filter((l) => "reward" in l).map((l) => l.reward!);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(rewards.slice(-8))).toBeGreaterThan(mean(rewards.slice(0, 8)) + 0.3);
    expect(JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")).heldout.reward).toBeGreaterThan(0.5);
  }, 120_000);

  // Kill-and-resume: the same stage, once straight through and once killed after step 4 (a checkpoint at 2 and 4),
  // writes the same metrics (timings aside) and the same weights.
  test.each([
    ["sft", { data: "qa.jsonl" }],
    ["dpo", { data: "pairs.jsonl" }],
    ["reward", { data: "pairs.jsonl" }],
    ["rl", { data: "pick.jsonl", reward: "exact", max_tokens: 2, group_size: 4, batch_size: 2 }],
  ] as const)("a killed %s stage resumes on the same curve", async (kind, extra) => {
    const { ctx } = workspace([{ kind, ...common, checkpoint_every: 2, steps: 7, batch_size: 4, ...extra }, ...(kind === "reward" ? [{ kind: "sft", data: "qa.jsonl", ...common }] : [])]);
    const cacheDir = mkdtempSync(join(tmpdir(), "lathe-ftc-"));
    const defs = await graph(ctx);
    const r = await build(defs.filter((d) => d.id !== kind), { cacheDir, concurrency: 1, root: ctx.root });
    const dirOf = (id: string) => r.stages.find((s) => s.id === id)!.outDir!;
    const def = defs.find((d) => d.id === kind)!;
    const sc = (name: string): StageContext => {
      const base = mkdtempSync(join(tmpdir(), `lathe-ft-${name}-`));
      mkdirSync(join(base, "out"));
      mkdirSync(join(base, "scratch"));
      return {
        id: kind, params: def.params, root: ctx.root, resource: "cpu", signal: new AbortController().signal,
        inputs: { parent: dirOf("train"), tokenizer: dirOf("tokenizer"), pack: dirOf("pack"), files: (def.inputs.files as { files: string[] }).files.map((f) => join(ctx.root, f)) },
        outDir: join(base, "out"), scratchDir: join(base, "scratch"), log: () => {}, progress: () => {}, metric: () => {},
      };
    };
    const { device } = await openDevice("cpu");
    const straight = sc("a");
    await runFinetune(straight, { device });
    const killed = sc("b");
    await expect(runFinetune(killed, { device, crashAfterStep: 5 })).rejects.toThrow("simulated crash after step 5");
    await runFinetune(killed, { device });
    const curve = (c: StageContext) => readFileSync(join(c.outDir, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => {
      const { elapsed_s: _e, tokens_per_s: _t, ...rest } = JSON.parse(l);
      return rest;
    });
    expect(curve(killed)).toEqual(curve(straight));
    expect(JSON.parse(readFileSync(join(killed.outDir, "summary.json"), "utf8")).resumed_from).toBe(4);
    expect(readFileSync(join(killed.outDir, "model.safetensors"))).toEqual(readFileSync(join(straight.outDir, "model.safetensors")));
  }, 120_000);

  test("bad rows are counted per rule with examples, and a file with nothing usable fails with the rules that dropped it", async () => {
    const { ctx, dir } = workspace([{ kind: "sft", data: "mixed.jsonl", ...common, steps: 2 }]);
    const ok = JSON.stringify({ messages: [{ role: "user", content: "hi" }, { role: "assistant", content: "yo" }] });
    writeFileSync(join(dir, "mixed.jsonl"), [ok, ok, "{bad json", JSON.stringify({ messages: [{ role: "user", content: "alone" }] }), JSON.stringify({ messages: [{ role: "robot", content: "x" }, { role: "assistant", content: "y" }] }), JSON.stringify({ prompt: "long", completion: "z".repeat(200) })].join("\n"));
    const cacheDir = mkdtempSync(join(tmpdir(), "lathe-ftc-"));
    const r = await build(await graph(ctx), { cacheDir, concurrency: 1, root: ctx.root });
    expect(r.ok).toBe(true);
    const summary = JSON.parse(readFileSync(join(r.stages.find((s) => s.id === "sft")!.outDir!, "summary.json"), "utf8"));
    expect(summary.data.train).toBe(2);
    expect(summary.data.dropped).toMatchObject({ bad_json: 1, no_assistant: 1, unknown_role: 1, too_long: 1 });

    writeFileSync(join(dir, "mixed.jsonl"), "{bad json\n");
    const again = await build(await graph(workspace([{ kind: "sft", data: join(dir, "mixed.jsonl"), ...common, steps: 2 }]).ctx), { cacheDir, concurrency: 1, root: ctx.root });
    expect(again.ok).toBe(false);
    expect(existsSync(join(dir, "mixed.jsonl"))).toBe(true);
  }, 120_000);
});
