// Trials for the trial-table, format and report tests: a 3-trial sweep over train.lr (with a var substituted into
// model.d_model held equal), two built (one evaluated, one stopped early) and one not built.
import type { ReportCard } from "@lathe/eval";
import type { Recipe } from "@lathe/recipe";
import type { TrialData } from "./load.ts";

const recipe = (lr: number) => ({ name: "sweep", seed: 1, vars: { width: 16 }, model: { d_model: 16 }, train: { lr, steps: 20 }, sweep: { grid: {} } }) as unknown as Recipe;

export const CARD: ReportCard = {
  recipe: "",
  columns: [{ id: "model", label: "model" }],
  rows: [
    { group: "intrinsic", name: "bits_per_byte (test)", higherIsBetter: false, digits: 4, cells: [{ value: 4.4326, n: 4 }] },
    { group: "tasks", name: "wordnet_define acc", chance: 0.25, higherIsBetter: true, cells: [{ value: 0.3, stderr: 0.1, n: 20 }] },
    { group: "tasks", name: "wordnet_define acc_norm", chance: 0.25, higherIsBetter: true, cells: [{ value: 0.1, stderr: 0.07, n: 20 }] },
  ],
  notes: [],
};

export function fixtureTrials(): TrialData[] {
  return [
    {
      name: "trial-1",
      recipe: recipe(0.003),
      status: "done",
      summary: { steps: 20, tokens: 640, val_loss: 5.2913, val_bpb: 5.4601, elapsed_s: 0.73, stopped_by: "steps" },
      history: [
        { step: 1, loss: 5.7, tokens: 32 },
        { step: 10, val_loss: 5.25, val_bpb: 5.42 },
        { step: 20, loss: 5.2, tokens: 640 },
        { step: 20, val_loss: 5.2913, val_bpb: 5.4601 },
      ],
      sample: "The end",
      durationMs: 730,
    },
    {
      name: "trial-2",
      recipe: recipe(0.01),
      status: "stopped early",
      detail: "stopped by asha",
      summary: { steps: 10, tokens: 320, val_loss: 4.48, val_bpb: 4.6237, elapsed_s: 65.5, stopped_by: "asha" },
      history: [
        { step: 1, loss: 5.6, tokens: 32 },
        { step: 10, loss: 4.4, tokens: 320 },
        { step: 10, val_loss: 4.48, val_bpb: 4.6237 },
      ],
      card: CARD,
      durationMs: 65_500,
    },
    { name: "trial-3", recipe: recipe(0.03), status: "not built", history: [] },
  ];
}
