// The model stages of the build graph: `train` (model.train) reads the pack stage's shards and writes weights,
// config, metrics and summary; `sample` (model.sample) continues a prompt with the trained model. Each run is a
// function of its params and inputs only; kinds.ts registers both with the planner. With sweep.early_stop, trial k's
// train stage also takes the train stages of trials 1..k-1 as inputs (peer_0, peer_1, ...): it decides whether to
// stop from their metrics.jsonl, so their results are part of its key.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Json, StageContext, StageDef, StageImpl } from "@lathe/engine";
import { DEVICE_ENV } from "@lathe/gpu";
import { type PlanContext, type Recipe, withSectionDefaults } from "@lathe/recipe";
import { modelSectionDefaults, parseDuration, planModelChecks, resolveTrainConfig, type SampleConfig } from "./config.ts";
import { writeFileAtomic } from "./io/atomic.ts";
import { generate } from "./infer/sample.ts";
import { type EarlyStopParams, earlyStopParams } from "./train/early-stop.ts";
import { trainModel } from "./train/trainer.ts";

export type TrainParams = {
  readonly model: Json;
  readonly train: Json;
  readonly seed: number;
  /** sweep.early_stop's fields for its method; absent (not null) without early stopping, so keys stay as before. */
  readonly early_stop?: EarlyStopParams;
};

export const trainStage: StageImpl<PlanContext> = {
  plan(ctx, id, inputs) {
    planModelChecks(ctx); // the model's cross-field checks, at the recipe's file:line:col, before any stage runs
    const { sample: _sample, ...trainSection } = resolveTrainConfig(ctx.recipe.train);
    const model = keyedModel(modelSectionDefaults(ctx.recipe.model));
    const earlyStop = earlyStopParams(withSectionDefaults<Recipe["sweep"]>("sweep", ctx.recipe.sweep).early_stop);
    const peers = earlyStop ? (ctx.earlier?.("train") ?? []) : [];
    const params: TrainParams = {
      model: model as Json, train: trainSection as unknown as Json, seed: ctx.recipe.seed,
      ...(earlyStop ? { early_stop: earlyStop } : {}),
    };
    return {
      id,
      kind: "model.train",
      version: "1",
      params,
      inputs: { pack: { stage: inputs.pack! }, ...Object.fromEntries(peers.map((peer, i) => [`peer_${i}`, { stage: peer }])) },
      resource: trainSection.backend === "cpu" ? "cpu" : "gpu",
      // The key covers the requested backend and the env that picks the adapter and kernels; summary.json records
      // what was used (the backend, the adapter, a CPU fallback).
      env: DEVICE_ENV,
      ...machineDependence(trainSection),
      title: `train ${describeModel(model)}`,
      run: trainStage.run,
    };
  },
  async run(c) {
    const p = c.params as TrainParams;
    await trainModel({
      model: p.model,
      train: p.train,
      seed: p.seed,
      ...(p.early_stop ? { earlyStop: { params: p.early_stop, peers: peerDirs(c.inputs) } } : {}),
      packDir: c.inputs.pack as string,
      outDir: c.outDir,
      scratchDir: c.scratchDir,
      signal: c.signal,
      log: (l) => c.log(l),
      progress: (pr) => c.progress(pr),
      metric: (n, v, s) => c.metric(n, v, s),
    });
  },
};

export const sampleStage: StageImpl<PlanContext> = {
  plan(ctx, id, inputs) {
    const { sample } = resolveTrainConfig(ctx.recipe.train);
    return {
      id,
      kind: "model.sample",
      version: "2", // 2: sampling draws over the kept tokens in index order (the GPU sampler's semantics)
      params: sample as unknown as Json,
      inputs: { train: { stage: inputs.train! }, tokenizer: { stage: inputs.tokenizer! } },
      title: `sample ${sample.max_tokens} tokens`,
      run: sampleStage.run,
    };
  },
  async run(c: StageContext) {
    const s = c.params as unknown as SampleConfig;
    let line = s.prompt; // the log shows the prompt and its continuation, as sample.txt does
    const r = await generate({
      trainDir: c.inputs.train as string,
      tokenizerDir: c.inputs.tokenizer as string,
      prompt: s.prompt,
      temperature: s.temperature,
      topK: s.top_k,
      topP: s.top_p,
      maxTokens: s.max_tokens,
      seed: s.seed,
      onText: (piece) => {
        const parts = (line + piece).split("\n");
        line = parts.pop() ?? "";
        for (const p of parts) c.log(p);
      },
    });
    if (line) c.log(line);
    mkdirSync(c.outDir, { recursive: true });
    writeFileAtomic(join(c.outDir, "sample.txt"), `${s.prompt}${r.text}\n`);
    writeFileAtomic(join(c.outDir, "sample.json"), `${JSON.stringify({ ...s, text: r.text, tokens: r.tokens, prompt_tokens: r.promptTokens, stopped_at_eot: r.stoppedAtEot }, null, 2)}\n`);
  },
};

/** The earlier trials' train outDirs, in trial order (peer_0, peer_1, ..., peer_10: by number, not by name). */
function peerDirs(inputs: StageContext["inputs"]): string[] {
  return Object.keys(inputs)
    .flatMap((k) => (/^peer_\d+$/.test(k) ? [Number(k.slice(5))] : []))
    .sort((a, b) => a - b)
    .map((i) => inputs[`peer_${i}`] as string);
}

/** Train and sample of one trial, chained (for tests and tools that plan without the registry). */
export function modelStages(ctx: PlanContext, deps: { clean: StageDef; tokenizer: StageDef; pack: StageDef }): { train: StageDef; sample: StageDef } {
  const train = trainStage.plan(ctx, ctx.id("train"), { pack: deps.pack.id });
  return { train, sample: sampleStage.plan(ctx, ctx.id("sample"), { train: train.id, tokenizer: deps.tokenizer.id }) };
}

/**
 * Why a train stage's output depends on the machine, not only on its key: a time budget stops it at a step that
 * depends on the machine's speed, and `auto` computes on WebGPU or the CPU depending on whether an adapter exists.
 * Such a stage is never shared through the remote cache; --dry and explain show the reason.
 */
function machineDependence(t: { time_budget: number | string; backend: string }): { machineDependent?: string } {
  const why = [
    ...(parseDuration(t.time_budget) > 0 ? [`time_budget ${typeof t.time_budget === "number" ? `${t.time_budget}s` : t.time_budget}`] : []),
    ...(t.backend === "auto" ? ["backend auto"] : []),
  ];
  return why.length > 0 ? { machineDependent: why.join(", ") } : {};
}

/**
 * The model section as the train key sees it: the standard parametrization's µP fields (parametrization: standard,
 * base_width) change nothing, so they are left out and a model trained before µP existed keeps its key.
 */
function keyedModel(m: Record<string, unknown>): Record<string, unknown> {
  if (m.parametrization !== "standard") return m;
  const { parametrization: _p, base_width: _b, ...rest } = m;
  return rest;
}

function describeModel(m: Record<string, unknown>): string {
  if (m.kind === "rnn") return `${m.cell} ${m.n_layer}x${m.hidden}`;
  if (m.kind === "hybrid") return `hybrid ${(m.blocks as string[]).join("/")} C=${m.d_model}`;
  return `gpt L=${m.n_layer} C=${m.d_model} H=${m.n_head} T=${m.context}`;
}
