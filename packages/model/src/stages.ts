// The model stages of the build graph: `train` (model.train) reads the pack stage's shards and writes weights,
// config, metrics and summary; `sample` (model.sample) continues a prompt with the trained model.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Json, StageContext, StageDef } from "@lathe/engine";
import type { PlanContext } from "@lathe/recipe";
import { modelSectionDefaults, resolveTrainConfig } from "./config.ts";
import { writeFileAtomic } from "./io/atomic.ts";
import { generate } from "./infer/sample.ts";
import { trainModel } from "./train/trainer.ts";

export interface TrainParams {
  readonly [k: string]: Json;
  readonly model: Json;
  readonly train: Json;
  readonly seed: number;
}

export function modelStages(ctx: PlanContext, deps: { clean: StageDef; tokenizer: StageDef; pack: StageDef }): { train: StageDef; sample: StageDef } {
  const { sample: sampleSection, ...trainSection } = resolveTrainConfig(ctx.recipe.train);
  const model = modelSectionDefaults(ctx.recipe.model);
  const trainParams: TrainParams = { model: model as Json, train: trainSection as unknown as Json, seed: ctx.recipe.seed };
  const train: StageDef<TrainParams> = {
    id: ctx.id("train"),
    kind: "model.train",
    version: "1",
    params: trainParams,
    inputs: { pack: { stage: deps.pack.id } },
    resource: trainSection.backend === "cpu" ? "cpu" : "gpu",
    env: ["LATHE_ADAPTER"],
    title: `train ${describeModel(model)}`,
    async run(c: StageContext<TrainParams>) {
      await trainModel({
        model: c.params.model,
        train: c.params.train,
        seed: c.params.seed,
        packDir: c.inputs.pack as string,
        outDir: c.outDir,
        scratchDir: c.scratchDir,
        signal: c.signal,
        log: (l) => c.log(l),
        progress: (p) => c.progress(p),
        metric: (n, v, s) => c.metric(n, v, s),
      });
    },
  };
  const sampleParams = sampleSection as unknown as Json;
  const sample: StageDef = {
    id: ctx.id("sample"),
    kind: "model.sample",
    version: "1",
    params: sampleParams,
    inputs: { train: { stage: train.id }, tokenizer: { stage: deps.tokenizer.id } },
    title: `sample ${sampleSection.max_tokens} tokens`,
    async run(c: StageContext) {
      const s = sampleSection;
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
  return { train: train as unknown as StageDef, sample };
}

function describeModel(m: Record<string, unknown>): string {
  if (m.kind === "rnn") return `${m.cell} ${m.n_layer}x${m.hidden}`;
  if (m.kind === "hybrid") return `hybrid ${(m.blocks as string[]).join("/")} C=${m.d_model}`;
  return `gpt L=${m.n_layer} C=${m.d_model} H=${m.n_head} T=${m.context}`;
}
