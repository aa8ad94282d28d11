// Loading a parent stage's weights into a model built on a device (no optimizer moments: a fine-tuning stage starts
// its own AdamW), and writing a stage's model directory in the train stage's layout, so sample, chat, serve,
// export and eval read any stage's output the same way.
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { CheckpointError } from "../errors.ts";
import { writeFileAtomic } from "../io/atomic.ts";
import { readSafetensors, writeSafetensors } from "../io/safetensors.ts";
import type { LanguageModel } from "../nn/model.ts";
import { tensorsOf } from "../train/checkpoint.ts";

/** Write every param of `model` from a safetensors file; a missing or mis-shaped tensor is a CheckpointError. */
export function loadWeightsInto(model: LanguageModel, file: string): void {
  const saved = readSafetensors(file).tensors;
  for (const p of model.params.list) {
    const t = saved.get(p.name);
    if (!t || t.data.length !== p.tensor.size) throw new CheckpointError(file, `tensor "${p.name}" is ${t ? `[${t.shape}]` : "missing"}, the model needs [${p.shape}]`, "the parent stage's config.json and model.safetensors must belong together");
    p.tensor.write(t.data);
  }
}

/** model.safetensors (every param, a reward head included), the parent's config.json, summary.json and metrics. */
export async function writeModelDir(outDir: string, model: LanguageModel, parentDir: string, summary: unknown, metricsFile: string): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  writeSafetensors(join(outDir, "model.safetensors"), await tensorsOf(model.params.list), { format: "lathe", kind: model.config.kind });
  copyFileSync(join(parentDir, "config.json"), join(outDir, "config.json"));
  copyFileSync(metricsFile, join(outDir, "metrics.jsonl"));
  writeFileAtomic(join(outDir, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
}
