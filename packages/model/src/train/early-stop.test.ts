// Early stopping inside the trainer: the stopper against peers' metrics.jsonl, what a stopped run writes, the lr it
// ran, and a resume after the stop decision. Run: bun test packages/model/src/train/early-stop.test.ts
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytePackDir, PANGRAMS } from "../fixtures.ts";
import { type EarlyStopParams, readMetricHistory } from "./early-stop.ts";
import { MetricsLog } from "./metrics.ts";
import { SimulatedCrash, trainModel } from "./trainer.ts";

const pack = bytePackDir(PANGRAMS.repeat(20), PANGRAMS.repeat(3));
const model = { kind: "gpt", n_layer: 1, n_head: 2, d_model: 16, context: 16 };
const train = { backend: "cpu", batch_size: 4, steps: 20, warmup_steps: 1, lr: 3e-3, eval_every: 5, eval_batches: 1, checkpoint_every: 0, checkpoint_minutes: 0 };
const dirs = () => ({ outDir: mkdtempSync(join(tmpdir(), "lathe-out-")), scratchDir: mkdtempSync(join(tmpdir(), "lathe-scratch-")) });
const asha: EarlyStopParams = { method: "asha", metric: "val_loss", grace: 5, reduction: 3 };

/** A finished earlier trial whose val_loss is far better than a tiny model reaches in a few steps. */
function peer(values: [number, number][]): string {
  const dir = mkdtempSync(join(tmpdir(), "lathe-peer-"));
  const lines = values.flatMap(([step, v]) => [{ step, loss: v + 0.1, lr: 1e-3 }, { step, val_loss: v, val_bpb: v / Math.LN2 }]);
  writeFileSync(join(dir, "metrics.jsonl"), lines.map((l) => `${JSON.stringify(l)}\n`).join(""));
  return dir;
}
const goodPeer = peer([[5, 1], [10, 0.9], [15, 0.8], [20, 0.7]]);
const evalLines = (file: string) => new MetricsLog(file).read().filter((l) => "val_loss" in l);

describe("readMetricHistory", () => {
  test("keeps the evaluation lines of the metric, one per step, with an unknown val_bpb as NaN", () => {
    const dir = mkdtempSync(join(tmpdir(), "lathe-hist-"));
    const file = join(dir, "metrics.jsonl");
    writeFileSync(file, [
      { step: 5, loss: 4 }, { step: 5, val_loss: 3.5, val_bpb: null }, { step: 10, val_loss: 3, val_bpb: 4.3 }, { step: 10, val_loss: 3, val_bpb: 4.3 },
    ].map((l) => JSON.stringify(l)).join("\n"));
    expect(readMetricHistory(file, "val_loss")).toEqual([{ step: 5, value: 3.5 }, { step: 10, value: 3 }]);
    expect(readMetricHistory(file, "val_bpb")).toEqual([{ step: 5, value: Number.NaN }, { step: 10, value: 4.3 }]);
    expect(readMetricHistory(join(dir, "none.jsonl"), "val_loss")).toEqual([]);
  });
});

describe("a trial with early stopping", () => {
  test("stops at the first rung behind a better peer: saves the model, the summary says why, val is that of the stop", async () => {
    const d = dirs();
    const lines: string[] = [];
    const s = await trainModel({ model, train, seed: 1, packDir: pack, ...d, earlyStop: { params: asha, peers: [goodPeer] }, log: (l) => lines.push(l) });
    expect(s).toMatchObject({ stopped_by: "asha", steps: 5, planned_steps: 20 });
    expect(s.stop_reason).toMatch(/^rung 0 \(step 5\): val_loss \d\.\d+ not in the top 1\/3 of 1 trial \(cutoff 1\)$/);
    expect(lines).toContain("early stop: asha on val_loss (grace 5, reduction 3) against 1 earlier trial");
    expect(lines).toContain(`early stop (asha) at step 5 of 20: ${s.stop_reason}`);
    expect(lines.at(-1)).toStartWith("done: 5 of 20 steps (stopped by asha)");
    expect(evalLines(join(d.outDir, "metrics.jsonl"))).toEqual([{ step: 5, val_loss: s.val_loss!, val_bpb: s.val_bpb! }]);
    expect(JSON.parse(readFileSync(join(d.outDir, "summary.json"), "utf8"))).toMatchObject({ stopped_by: "asha", steps: 5, stop_reason: s.stop_reason });
  });

  test("runs exactly the steps and lr of a full run up to the stop (the schedule's horizon stays at the planned steps)", async () => {
    const [a, b] = [dirs(), dirs()];
    await trainModel({ model, train, seed: 1, packDir: pack, ...a, earlyStop: { params: asha, peers: [goodPeer] } });
    await trainModel({ model, train, seed: 1, packDir: pack, ...b });
    const trainLines = (dir: string) => new MetricsLog(join(dir, "metrics.jsonl")).read().filter((l) => "loss" in l).map((l) => [l.step, l.loss, l.lr]);
    expect(trainLines(a.outDir)).toEqual(trainLines(b.outDir).slice(0, 5));
    expect(evalLines(join(a.outDir, "metrics.jsonl"))[0]).toEqual(evalLines(join(b.outDir, "metrics.jsonl"))[0]!);
  });

  test("with no peer, or behind a worse one, it runs its planned steps", async () => {
    const bad = peer([[5, 9], [10, 9], [15, 9], [20, 9]]);
    for (const peers of [[], [bad]]) {
      const s = await trainModel({ model, train, seed: 1, packDir: pack, ...dirs(), earlyStop: { params: asha, peers } });
      expect(s).toMatchObject({ stopped_by: "steps", steps: 20, stop_reason: null });
    }
  });

  test("the median rule stops a trial worse than the earlier trials' running averages", async () => {
    const s = await trainModel({ model, train, seed: 1, packDir: pack, ...dirs(), earlyStop: { params: { method: "median", metric: "val_bpb", grace: 5, min_trials: 1 }, peers: [goodPeer] } });
    expect(s).toMatchObject({ stopped_by: "median", steps: 5 });
    expect(s.stop_reason).toMatch(/^step 5: best val_bpb \d\.\d+ worse than the median 1\.443 of 1 other trials' running averages$/);
  });

  test("a grace not below the planned steps can never stop the trial, and says so", async () => {
    const lines: string[] = [];
    const s = await trainModel({ model, train, seed: 1, packDir: pack, ...dirs(), earlyStop: { params: { ...asha, grace: 20 }, peers: [goodPeer] }, log: (l) => lines.push(l) });
    expect(s.stopped_by).toBe("steps");
    expect(lines).toContain("early stop: grace 20 is not below the 20 planned steps: no rung to stop at");
  });

  test("a run killed after its stop decision resumes into the same stop", async () => {
    const full = await trainModel({ model, train, seed: 1, packDir: pack, ...dirs(), earlyStop: { params: asha, peers: [goodPeer] } });
    const d = dirs();
    const opts = { model, train: { ...train, checkpoint_every: 5 }, seed: 1, packDir: pack, ...d, earlyStop: { params: asha, peers: [goodPeer] } };
    await expect(trainModel({ ...opts, crashAfterStep: 5 })).rejects.toThrow(SimulatedCrash);
    const resumed = await trainModel(opts);
    expect(resumed).toMatchObject({ stopped_by: "asha", steps: 5, resumed_from: 5, stop_reason: full.stop_reason, val_loss: full.val_loss });
    expect(evalLines(join(d.outDir, "metrics.jsonl"))).toHaveLength(1);
  });
});
