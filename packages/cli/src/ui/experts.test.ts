// The experts' load line of a mixture-of-experts train stage, from its moe_* metric events.
import { expect, test } from "bun:test";
import { expertBars, expertLoad, expertLoadText, isExpertMetric } from "./experts.ts";
import { createPlainRenderer } from "./plain.ts";
import { T0 } from "./scripted-events.ts";
import { BuildState } from "./state.ts";
import { metricsText } from "./summary-line.ts";

/** A running train stage that logged `metrics` at step 1 (and, for each name in `earlier`, 0 at step 0). */
function trainWith(metrics: Record<string, number>, earlier: readonly string[] = []): BuildState {
  const s = new BuildState();
  s.apply({ type: "build-start", at: T0, stages: [{ id: "train", kind: "model.train" }] }, T0);
  s.apply({ type: "stage-start", id: "train", key: "k", at: T0, changes: [] }, T0);
  for (const name of earlier) s.apply({ type: "stage-metric", id: "train", name, value: 0, step: 0 }, T0);
  for (const [name, value] of Object.entries(metrics)) s.apply({ type: "stage-metric", id: "train", name, value, step: 1 }, T0);
  return s;
}

const even8 = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`moe_frac_${i}`, 0.125]));

test.each([
  [[0.125, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125], "▅▅▅▅▅▅▅▅"], // even shares: a flat row at the middle
  [[0.5, 0.5, 0, 0, 0, 0, 0, 0], "██▁▁▁▁▁▁"], // top-2 collapsed onto two experts
  [[0.25, 0.0625, 0.125, 0.1875, 0.125, 0.125, 0.0625, 0.0625], "█▃▅▆▅▅▃▃"],
  [[0.5, NaN], "▅?"], // an expert not reported: its share unknown, the even share still 1/2
])("expert shares %p draw as %s against an even share", (fracs, bars) => {
  expect(expertBars(fracs)).toBe(bars);
});

test("a train stage's latest moe metrics read as one line: bars, dropped share and aux loss", () => {
  const s = trainWith({ ...even8, moe_frac_0: 0.25, moe_frac_7: 0, moe_dropped: 0.0123, moe_aux_loss: 0.010123 }, ["moe_frac_0", "moe_dropped"]);
  const train = s.stages.get("train")!;
  expect(expertLoad(train)).toEqual({ fracs: [0.25, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125, 0], dropped: 0.0123, auxLoss: 0.010123 });
  expect(expertLoadText(train)).toBe("experts █▅▅▅▅▅▅▁ dropped 1.2% aux 0.01012");
});

test("without dropped or aux metrics the line has the bars only, and without expert shares there is no line", () => {
  expect(expertLoadText(trainWith({ moe_frac_0: 0.5, moe_frac_1: 0.5 }).stages.get("train")!)).toBe("experts ▅▅");
  expect(expertLoadText(trainWith({ loss: 3, moe_dropped: 0.5 }).stages.get("train")!)).toBe("");
});

test("the experts' metrics stay out of the stage's metric text, which keeps the others", () => {
  const s = trainWith({ loss: 3.25, ...even8, moe_dropped: 0.01, moe_aux_loss: 0.01, moe_z_loss: 0.0044 });
  expect(metricsText(s.stages.get("train")!)).toBe("loss 3.25 · moe_z_loss 0.0044");
  expect(["moe_frac_12", "moe_dropped", "moe_aux_loss"].every(isExpertMetric)).toBe(true);
  expect(["moe_z_loss", "moe_balance", "moe_frac_x", "loss"].some(isExpertMetric)).toBe(false);
});

test("the plain renderer appends the experts' load to a stage's status and done lines", () => {
  const lines: string[] = [];
  const r = createPlainRenderer({ write: (l) => lines.push(l), now: () => T0, progressEveryMs: 0 });
  r.onEvent({ type: "build-start", at: T0, stages: [{ id: "train", kind: "model.train" }] });
  r.onEvent({ type: "stage-start", id: "train", key: "k", at: T0, changes: [] });
  r.onEvent({ type: "stage-metric", id: "train", name: "loss", value: 3.25, step: 1 });
  for (const [name, value] of Object.entries({ ...even8, moe_dropped: 0.02 })) r.onEvent({ type: "stage-metric", id: "train", name, value, step: 1 });
  r.onEvent({ type: "stage-done", id: "train", key: "k", durationMs: 1500 });
  expect(lines.at(-2)).toBe("         train loss 3.25 · experts ▅▅▅▅▅▅▅▅ dropped 2.0%");
  expect(lines.at(-1)).toBe("done     train 1.5s · loss 3.25 · experts ▅▅▅▅▅▅▅▅ dropped 2.0%");
});
