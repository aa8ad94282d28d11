// Loading a trained model from a train stage's outDir (config.json + model.safetensors) for host inference.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ModelConfig } from "../config.ts";
import { CheckpointError } from "../errors.ts";
import { readSafetensors } from "../io/safetensors.ts";
import { HostModel } from "./host-model.ts";

export function readTrainedConfig(trainDir: string): ModelConfig {
  const file = join(trainDir, "config.json");
  if (!existsSync(file)) throw new CheckpointError(file, "missing", "point at the outDir of a finished train stage (it holds config.json and model.safetensors)");
  return JSON.parse(readFileSync(file, "utf8")) as ModelConfig;
}

export function loadHostModel(trainDir: string): HostModel {
  const cfg = readTrainedConfig(trainDir);
  return new HostModel(cfg, readSafetensors(join(trainDir, "model.safetensors")).tensors);
}
