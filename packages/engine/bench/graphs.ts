// Fixture graphs for the engine benchmark: a 12-stage recipe-like DAG with file inputs, and a 100-trial sweep whose
// trials share a 4-stage upstream prefix (equal keys → built once) and differ in 2 stages each.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stage } from "../src/test-fixtures.ts";
import type { StageDef } from "../src/types.ts";

/** Write the data files the graphs read; returns their paths. */
export function writeData(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return [0, 1, 2].map((i) => {
    const f = join(dir, `data-${i}.txt`);
    writeFileSync(f, `document ${i}\n`.repeat(1000));
    return f;
  });
}

/** collect×3 → merge → clean → split → tokenizer → pack → train → sample, eval, report (12 stages). */
export function twelveStages(files: string[]): StageDef[] {
  return [
    stage("collect-0", { files: [files[0]!], params: { source: 0 } }),
    stage("collect-1", { files: [files[1]!], params: { source: 1 } }),
    stage("collect-2", { files: [files[2]!], params: { source: 2 } }),
    stage("merge", { deps: ["collect-0", "collect-1", "collect-2"], params: { dedup: true } }),
    stage("clean", { deps: ["merge"], params: { rules: ["nfc", "strip"], minChars: 10 } }),
    stage("split", { deps: ["clean"], params: { val: 0.1, test: 0.1, seed: 1 } }),
    stage("tokenizer", { deps: ["split"], params: { vocab: 512 } }),
    stage("pack", { deps: ["split", "tokenizer"], params: { ctx: 64 } }),
    stage("train", { deps: ["pack", "tokenizer"], params: { lr: 3e-4, steps: 100 }, resource: "gpu" }),
    stage("sample", { deps: ["train", "tokenizer"], params: { prompt: "hi" } }),
    stage("eval", { deps: ["train", "pack"], params: { split: "test" } }),
    stage("report", { deps: ["sample", "eval"], params: { format: "md" } }),
  ];
}

/** 100 trials × (collect → clean → tokenizer → pack → train → sample); the first four are equal across trials. */
export function sweep(files: string[], trials = 100): StageDef[] {
  const out: StageDef[] = [];
  for (let t = 0; t < trials; t++) {
    const id = (s: string) => `trial-${t}/${s}`;
    out.push(
      stage(id("collect"), { files, params: { sources: 3 } }),
      stage(id("clean"), { deps: [id("collect")], params: { rules: ["nfc"] } }),
      stage(id("tokenizer"), { deps: [id("clean")], params: { vocab: 512 } }),
      stage(id("pack"), { deps: [id("clean"), id("tokenizer")], params: { ctx: 64 } }),
      stage(id("train"), { deps: [id("pack"), id("tokenizer")], params: { lr: 1e-4 * (1 + t), steps: 10 }, resource: "gpu" }),
      stage(id("sample"), { deps: [id("train"), id("tokenizer")], params: { prompt: "hi" } }),
    );
  }
  return out;
}
