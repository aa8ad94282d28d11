// The eval stage's run (kind eval.run): load the model once onto the device, score intrinsic metrics on the
// held-out split (and eval.datasets), run every task through the harness runner, report contamination against the
// training split, generate a few completions, and write results.json (harness layout), samples_<task>.jsonl,
// report.json / report.md (the report card) and generations.json. A function of params and inputs only.
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { docText as dataDocText, readDocs, readSource } from "@lathe/data";
import type { StageContext } from "@lathe/engine";
import { type Decoder, loadDecoder, loadScorer, readTrainedConfig } from "@lathe/model";
import { loadTokenizer } from "@lathe/tokenizer";
import { builtinTask } from "../builtin/registry.ts";
import { NgramIndex } from "../contamination/ngrams.ts";
import { intrinsicMetrics, type IntrinsicMetrics } from "../intrinsic.ts";
import { LatheLM } from "../lm/lathe-lm.ts";
import { cardMarkdown, cardJson } from "../report/format.ts";
import { loadTask } from "../tasks/load.ts";
import { leaves } from "../tasks/results.ts";
import { runTasks } from "../tasks/run.ts";
import type { LoadedTask } from "../tasks/types.ts";
import { buildCard } from "./card.ts";
import { contaminationReport, type ContaminationReport } from "./contamination.ts";
import type { EvalParams, TaskRef } from "./params.ts";

/** Bootstrap resamples for the standard errors of non-mean aggregations (perplexity): seeded, so reproducible. */
const BOOTSTRAP_ITERS = 1000;
/** Tokens generated per completion in generations.json. */
const GENERATION_TOKENS = 48;

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

async function texts(file: string): Promise<string[]> {
  const out: string[] = [];
  if (!existsSync(file)) return out;
  for await (const d of readDocs(file)) out.push(dataDocText(d));
  return out;
}

/** The held-out split the section asks for: auto = test when the clean stage wrote test documents, else val. */
async function heldOutSplit(cleanDir: string, split: EvalParams["eval"]["split"]): Promise<{ name: string; texts: string[] }> {
  if (split !== "auto") return { name: split, texts: await texts(join(cleanDir, `${split}.jsonl`)) };
  const test = await texts(join(cleanDir, "test.jsonl"));
  return test.length > 0 ? { name: "test", texts: test } : { name: "val", texts: await texts(join(cleanDir, "val.jsonl")) };
}

export async function runEval(sc: StageContext): Promise<void> {
  const p = sc.params as unknown as EvalParams;
  const e = p.eval;
  const [modelDir, tokDir, cleanDir] = [sc.inputs.model as string, sc.inputs.tokenizer as string, sc.inputs.clean as string];
  const cacheRoot = process.env.LATHE_CACHE || join(sc.root, "cache");
  const tokenizer = loadTokenizer(join(tokDir, "tokenizer.json"));
  const scorer = await loadScorer({ trainDir: modelDir, backend: e.backend, maxBatchTokens: e.batch_tokens, eot: tokenizer.specialId("<|endoftext|>") ?? -1 });
  let decoder: Decoder | undefined;
  try {
    if (e.backend === "auto" && scorer.backend === "cpu") sc.log("no WebGPU adapter: scoring on the CPU reference backend (slow); set eval.backend to make it explicit");
    sc.log(`scoring on ${scorer.backend}, model ${scorer.digest.slice(0, 12)}, context ${scorer.context}`);
    let progressDone = 0;
    // gpt models also get the batched decoder, so greedy generation tasks decode all their items together.
    decoder = readTrainedConfig(modelDir).kind === "gpt" ? await loadDecoder({ trainDir: modelDir, backend: scorer.backend, maxSequences: 32, eot: scorer.eot }) : undefined;
    const lm = new LatheLM(scorer, tokenizer, { cacheDir: join(cacheRoot, "eval-scores"), batchSize: 64, ...(decoder ? { decoder } : {}) });
    mkdirSync(sc.outDir, { recursive: true });
    const held = await heldOutSplit(cleanDir, e.split);
    sc.log(`held-out split: ${held.name} (${held.texts.length} docs)`);

    // Intrinsic metrics.
    const intrinsic: { dataset: string; metrics: IntrinsicMetrics }[] = [];
    if (e.intrinsic) {
      const cap = (xs: string[]) => (e.max_docs > 0 ? xs.slice(0, e.max_docs) : xs);
      if (held.texts.length > 0) intrinsic.push({ dataset: held.name, metrics: await intrinsicMetrics(lm, cap(held.texts)) });
      const rc = { baseDir: resolve(sc.root, p.base), root: sc.root, cacheDir: cacheRoot, signal: sc.signal };
      for (const src of e.datasets) {
        const docs: string[] = [];
        for await (const d of readSource(src, rc)) {
          docs.push(dataDocText(d));
          if (e.max_docs > 0 && docs.length >= e.max_docs) break;
        }
        intrinsic.push({ dataset: basename(src.path), metrics: await intrinsicMetrics(lm, docs) });
      }
      for (const r of intrinsic) sc.log(`${r.dataset}: ${r.metrics.bits_per_byte.toFixed(4)} bits/byte, token perplexity ${r.metrics.token_perplexity.toFixed(2)}, word perplexity ${r.metrics.word_perplexity.toFixed(1)} (${r.metrics.docs} docs, ${r.metrics.tokens} tokens)`);
    }

    // Tasks: load each (a failure is recorded, the others still run), then run them all.
    const loaded: LoadedTask[] = [];
    const failedToLoad: Record<string, { error: string }> = {};
    const chance: Record<string, number> = {};
    for (const t of p.tasks) {
      try {
        const task = await loadTaskRef(t, held.texts, e.seed, resolve(sc.root, p.base), sc.root, cacheRoot);
        loaded.push(task);
        for (const leaf of leaves(task)) if (leaf.chance !== undefined) chance[leaf.config.task] = leaf.chance;
      } catch (err) {
        failedToLoad[t.task] = { error: (err as Error).message };
        sc.log(`task ${t.task} failed to load: ${(err as Error).message}`);
      }
    }
    const total = loaded.reduce((s, t) => s + leaves(t).reduce((a, l) => a + l.docs.length, 0), 0);
    const numFewshot = e.num_fewshot ?? undefined;
    const perTask = new Map<string, number>();
    const results = await runTasks(loaded, lm, {
      ...(numFewshot !== undefined ? { numFewshot } : {}),
      seed: e.seed,
      bootstrapIters: BOOTSTRAP_ITERS,
      onProgress(task, done) {
        perTask.set(task, done);
        progressDone = [...perTask.values()].reduce((a, b) => a + b, 0);
        sc.progress({ done: progressDone, total, unit: "items" });
      },
    });
    const failed = { ...failedToLoad, ...(results.failed ?? {}) };
    for (const [task, f] of Object.entries(results.failed ?? {})) sc.log(`task ${task} failed: ${f.error}`);
    for (const [task, v] of Object.entries(results.results)) {
      const main = Object.entries(v).find(([k]) => k.endsWith(",none") && !k.includes("_stderr"));
      if (main) sc.log(`${task}: ${main[0].slice(0, -5)} ${(main[1] as number).toFixed(4)}${chance[task] !== undefined ? ` (chance ${chance[task]!.toFixed(3)})` : ""}`);
    }

    // Contamination: each task's 13-gram overlap with the training split.
    const contamination: Record<string, ContaminationReport> = {};
    if (e.decontamination && Object.keys(results.samples).length > 0) {
      const index = await NgramIndex.build(await texts(join(cleanDir, "train.jsonl")), 13);
      const byName = new Map(loaded.flatMap(leaves).map((l) => [l.config.task, l]));
      for (const [task, samples] of Object.entries(results.samples)) {
        const t = byName.get(task);
        if (t) contamination[task] = contaminationReport(t, samples, index);
      }
      const hit = Object.entries(contamination).filter(([, c]) => c.affected > 0);
      sc.log(`contamination: ${hit.length === 0 ? "no task shares a 13-gram with the training split" : hit.map(([t, c]) => `${t} ${c.affected}/${c.items}`).join(", ")}`);
    }

    // A few completions of held-out prompts, for the report.
    const prompts = held.texts.slice(0, e.samples).map((t) => t.split(/\s+/).slice(0, 12).join(" "));
    const outputs = prompts.length > 0 ? await lm.generateUntil(prompts.map((context) => ({ context, until: ["\n\n"], maxTokens: GENERATION_TOKENS }))) : [];

    // Outputs.
    const { samples, ...rest } = results;
    const out = { ...rest, failed, lathe: { backend: scorer.backend, model_digest: scorer.digest, context: scorer.context, held_out_split: held.name, chance, intrinsic, contamination, score_cache: { hits: lm.cache.hits, misses: lm.cache.misses } } };
    writeAtomic(join(sc.outDir, "results.json"), `${JSON.stringify(out, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v), 2)}\n`);
    for (const [task, recs] of Object.entries(samples)) writeAtomic(join(sc.outDir, `samples_${task}.jsonl`), recs.map((r) => JSON.stringify(r)).join("\n") + "\n");
    writeAtomic(join(sc.outDir, "generations.json"), `${JSON.stringify(prompts.map((prompt, i) => ({ prompt, completion: outputs[i] })), null, 2)}\n`);
    // The column is the model this stage scored; `lathe eval` names it after the model stage (ids are not in keys).
    const card = buildCard({ recipe: "", column: { id: "model", label: "model" }, intrinsic, results: { ...results, failed }, chance, contamination });
    writeAtomic(join(sc.outDir, "report.json"), cardJson(card));
    writeAtomic(join(sc.outDir, "report.md"), cardMarkdown(card));
    sc.log(`score cache: ${lm.cache.hits} hits, ${lm.cache.misses} scored`);
  } finally {
    await decoder?.close();
    await scorer.close();
  }
}

async function loadTaskRef(t: TaskRef, heldOut: readonly string[], seed: number, recipeDir: string, root: string, cacheDir: string): Promise<LoadedTask> {
  const limit = t.limit > 0 ? t.limit : undefined;
  if (t.kind === "builtin") {
    const task = builtinTask(t.task, { heldOut, seed, ...(limit !== undefined ? { limit } : { limit: Number.MAX_SAFE_INTEGER }) });
    return t.num_fewshot !== null ? { ...task, config: { ...task.config, num_fewshot: t.num_fewshot } } : task;
  }
  const dataFiles = Object.fromEntries(Object.entries(t.data_files).map(([split, files]) => [split, files.map((f) => (/^https?:/.test(f) ? f : resolve(root, f)))]));
  const task = await loadTask(t.kind === "file" ? resolve(root, t.file!) : t.task, { root: recipeDir, cacheDir, ...(Object.keys(dataFiles).length > 0 ? { dataFiles } : {}), ...(limit !== undefined ? { limit } : {}) });
  return t.num_fewshot !== null ? withFewshot(task, t.num_fewshot) : task;
}

function withFewshot(task: LoadedTask, n: number): LoadedTask {
  if (!task.group) return { ...task, config: { ...task.config, num_fewshot: n } };
  return { ...task, group: { ...task.group, children: task.group.children.map((c) => withFewshot(c, n)) } };
}
