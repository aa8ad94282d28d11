// A fixed build told as engine events, with timestamps, for the renderer tests (plain, JSON, Ink) to replay.
// collect is cached, clean runs with progress and logs, train reports a falling loss and fails, sample is skipped.
import type { EngineEvent } from "@lathe/engine";

export const T0 = 1_700_000_000_000;

/** [clock at the event, event] pairs in order. */
export const SCRIPT: readonly (readonly [number, EngineEvent])[] = [
  [T0, { type: "build-start", at: T0, stages: [
    { id: "collect", kind: "data.collect" },
    { id: "clean", kind: "data.clean" },
    { id: "train", kind: "model.train" },
    { id: "sample", kind: "model.sample" },
  ] }],
  [T0, { type: "stage-queued", id: "collect", key: "k1" }],
  [T0, { type: "stage-queued", id: "clean", key: "k2" }],
  [T0, { type: "stage-queued", id: "train", key: "k3" }],
  [T0, { type: "stage-queued", id: "sample", key: "k4" }],
  [T0 + 5, { type: "stage-cached", id: "collect", key: "k1" }],
  [T0 + 6, { type: "stage-log", id: "collect", line: "read 3 files", replay: true }],
  [T0 + 10, { type: "stage-start", id: "clean", key: "k2", at: T0 + 10, changes: [
    { type: "param", path: "clean.min_chars", from: 10, to: 20 },
  ] }],
  [T0 + 20, { type: "stage-log", id: "clean", line: "rule min_chars: removed 2 docs", replay: false }],
  [T0 + 1010, { type: "stage-progress", id: "clean", progress: { done: 100, total: 1000, unit: "docs" }, at: T0 + 1010 }],
  [T0 + 3010, { type: "stage-progress", id: "clean", progress: { done: 500, total: 1000, unit: "docs" }, at: T0 + 3010 }],
  [T0 + 7010, { type: "stage-progress", id: "clean", progress: { done: 900, total: 1000, unit: "docs" }, at: T0 + 7010 }],
  [T0 + 7500, { type: "stage-done", id: "clean", key: "k2", durationMs: 7490 }],
  [T0 + 7510, { type: "stage-start", id: "train", key: "k3", at: T0 + 7510, changes: [{ type: "upstream", stage: "clean" }] }],
  [T0 + 8510, { type: "stage-metric", id: "train", name: "loss", value: 4.5, step: 1 }],
  [T0 + 9510, { type: "stage-progress", id: "train", progress: { done: 10, total: 100, unit: "steps" }, at: T0 + 9510 }],
  [T0 + 10510, { type: "stage-metric", id: "train", name: "loss", value: 3.25, step: 10 }],
  [T0 + 13510, { type: "stage-progress", id: "train", progress: { done: 50, total: 100, unit: "steps" }, at: T0 + 13510 }],
  [T0 + 13520, { type: "stage-metric", id: "train", name: "loss", value: 2.125, step: 50 }],
  [T0 + 14000, { type: "stage-failed", id: "train", key: "k3", error: "out of memory at step 51" }],
  [T0 + 14001, { type: "stage-skipped", id: "sample", reason: "upstream train failed" }],
  [T0 + 14002, { type: "build-done", at: T0 + 14002, summary: { ok: false, durationMs: 14002, stages: [
    { id: "collect", kind: "data.collect", key: "k1", status: "cached", durationMs: 0 },
    { id: "clean", kind: "data.clean", key: "k2", status: "done", durationMs: 7490 },
    { id: "train", kind: "model.train", key: "k3", status: "failed", durationMs: 6490, error: "out of memory at step 51" },
    { id: "sample", kind: "model.sample", key: "k4", status: "skipped", durationMs: 0, reason: "upstream train failed" },
  ] } }],
];

/**
 * A three-trial sweep while it trains, for the trial table: trial-0 is done (val_loss 2.6, best 2.55), trial-1 runs
 * with the best val_loss (2.3), trial-2 runs without a validation yet; the shared pack stage is cached.
 */
export const SWEEP_SCRIPT: readonly (readonly [number, EngineEvent])[] = (() => {
  const trials = ["trial-0", "trial-1", "trial-2"];
  const out: [number, EngineEvent][] = [
    [T0, { type: "build-start", at: T0, stages: [
      { id: "pack", kind: "tokenizer.pack" },
      ...trials.map((t) => ({ id: `${t}/train`, kind: "model.train" })),
    ] }],
    [T0 + 1, { type: "stage-cached", id: "pack", key: "kp" }],
  ];
  for (const [i, t] of trials.entries()) {
    out.push([T0 + 2, { type: "stage-queued", id: `${t}/train`, key: `kt${i}` }]);
    out.push([T0 + 10, { type: "stage-start", id: `${t}/train`, key: `kt${i}`, at: T0 + 10, changes: [] }]);
  }
  const curve = (id: string, losses: number[], val: [number, number][], steps: number, total: number) => {
    losses.forEach((v, j) => out.push([T0 + 100 * (j + 1), { type: "stage-metric", id, name: "loss", value: v, step: j * 10 }]));
    for (const [step, v] of val) out.push([T0 + 100 * step, { type: "stage-metric", id, name: "val_loss", value: v, step }]);
    out.push([T0 + 1000, { type: "stage-progress", id, progress: { done: steps, total, unit: "steps" }, at: T0 + 1000 }]);
  };
  curve("trial-0/train", [4.5, 3.8, 3.1, 2.7, 2.5], [[5, 2.55], [10, 2.6]], 100, 100);
  curve("trial-1/train", [4.4, 3.5, 2.9, 2.4, 2.2], [[5, 2.3]], 60, 100);
  curve("trial-2/train", [4.6, 4.2, 3.9], [], 30, 100);
  out.sort((a, b) => a[0] - b[0]);
  out.push([T0 + 1100, { type: "stage-done", id: "trial-0/train", key: "kt0", durationMs: 1090 }]);
  return out;
})();
