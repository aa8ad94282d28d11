// The same tiny training runs on WebGPU (lavapipe in CI): bitwise-identical curves run to run and across a
// crash and resume, and the curve tracks the CPU reference backend. Skips with a printed reason without an adapter.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testDevice } from "@lathe/gpu";
import { bytePackDir, PANGRAMS } from "../fixtures.ts";
import { MetricsLog } from "./metrics.ts";
import { SimulatedCrash, trainModel } from "./trainer.ts";

/** The WebGPU device, or null (testDevice printed why) — these tests skip without one. */
const dev = await testDevice();

const pack = bytePackDir(PANGRAMS.repeat(20), PANGRAMS.repeat(3));
const train = { batch_size: 2, steps: 6, warmup_steps: 1, lr: 3e-3, eval_every: 3, eval_batches: 1, checkpoint_every: 2, checkpoint_minutes: 0 };
const dirs = () => ({ outDir: mkdtempSync(join(tmpdir(), "lathe-out-")), scratchDir: mkdtempSync(join(tmpdir(), "lathe-scratch-")) });
const curve = (d: { scratchDir: string }) => new MetricsLog(join(d.scratchDir, "metrics.jsonl")).read().filter((l) => "loss" in l).map((l) => l.loss);

describe.each([
  ["gpt", { kind: "gpt", n_layer: 1, n_head: 2, d_model: 16, context: 8, dropout: 0.1 }],
  ["lstm", { kind: "rnn", n_layer: 1, hidden: 16, context: 8 }],
] as const)("on WebGPU, a tiny %s", (_, model) => {
  test.skipIf(dev === null)("repeats its loss curve exactly, resumes exactly, and tracks the CPU backend", async () => {
    const [a, b, c, cpu] = [dirs(), dirs(), dirs(), dirs()];
    await trainModel({ model, train, seed: 4, packDir: pack, ...a, device: dev! });
    await trainModel({ model, train, seed: 4, packDir: pack, ...b, device: dev! });
    await expect(trainModel({ model, train, seed: 4, packDir: pack, ...c, device: dev!, crashAfterStep: 5 })).rejects.toBeInstanceOf(SimulatedCrash);
    await trainModel({ model, train, seed: 4, packDir: pack, ...c, device: dev! });
    await trainModel({ model, train: { ...train, backend: "cpu" }, seed: 4, packDir: pack, ...cpu });
    expect(curve(a)).toHaveLength(6);
    expect(curve(b)).toEqual(curve(a));
    expect(curve(c)).toEqual(curve(a));
    curve(cpu).forEach((l, i) => expect(Math.abs(l - curve(a)[i])).toBeLessThan(1e-3));
  });
});

describe("on WebGPU, a run's summary", () => {
  test.skipIf(dev === null)("records the backend and adapter it used for backend auto, and no fallback", async () => {
    const d = dirs();
    const model = { kind: "gpt", n_layer: 1, n_head: 2, d_model: 16, context: 8 };
    await trainModel({ model, train: { ...train, steps: 2, backend: "auto" }, seed: 4, packDir: pack, ...d });
    const summary = JSON.parse(readFileSync(join(d.outDir, "summary.json"), "utf8"));
    expect([summary.backend, summary.backend_requested, summary.adapter, summary.fallback]).toEqual(["webgpu", "auto", dev!.backend.adapterName, null]);
  });
});
