// Running one fine-tuning stage: read its data (bad rows counted per rule, in data-report.json and the log), load
// the parent model onto the device, build the kind's objective (sft.ts, pairs.ts, rl.ts), run the shared loop
// (train/loop.ts: checkpoints in scratchDir, so a killed stage resumes), and write the model directory.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { StageContext } from "@lathe/engine";
import { type Device } from "@lathe/gpu";
import { formatChatReport, loadTokenizer } from "@lathe/tokenizer";
import { readTrainedConfig } from "../infer/load.ts";
import { writeFileAtomic } from "../io/atomic.ts";
import { buildModel, type LanguageModel } from "../nn/model.ts";
import { openDevice } from "../train/device.ts";
import { runLoop } from "../train/loop.ts";
import { loadStageData } from "./data.ts";
import type { Method, MethodContext } from "./method.ts";
import { dpoMethod, rewardMethod } from "./pairs.ts";
import type { FinetuneParams } from "./plan.ts";
import { rlMethod } from "./rl.ts";
import { sftMethod } from "./sft.ts";
import { loadWeightsInto, writeModelDir } from "./weights.ts";

export interface FinetuneRunOptions {
  /** Use this device instead of opening one (tests). */
  readonly device?: Device;
  /** Tests: throw right after this step (simulates a kill). */
  readonly crashAfterStep?: number;
}

export async function runFinetune(sc: StageContext, o: FinetuneRunOptions = {}): Promise<void> {
  const p = sc.params as unknown as FinetuneParams;
  const s = p.stage;
  const parentDir = sc.inputs.parent as string;
  const tok = loadTokenizer(join(sc.inputs.tokenizer as string, "tokenizer.json"));
  const cfg = readTrainedConfig(parentDir);
  const T = cfg.context;
  const fit = s.kind === "rl" ? T + 1 - s.max_tokens : T + 1;
  if (fit < 2) throw new Error(`${sc.id}: max_tokens ${s.max_tokens} leaves no room for a prompt in the model's context of ${T} tokens. Hint: lower finetune max_tokens below ${T - 1}`);
  const data = await loadStageData(p, sc.root, tok, fit);
  for (const [split, r] of Object.entries(data.reports)) for (const line of formatChatReport(r)) sc.log(`${split}: ${line}`);
  writeFileAtomic(join(sc.scratchDir, "data-report.json"), `${JSON.stringify(data.reports, null, 2)}\n`);
  sc.log(`${s.kind}: ${data.train.length} training and ${data.heldout.length} held-out items, from ${parentDir.split("/").slice(-2).join("/")}`);

  const { device: dev, fallback } = o.device ? { device: o.device, fallback: null } : await openDevice(s.backend);
  if (fallback !== null) sc.log(`webgpu: ${fallback}; computing on the CPU`);
  let method: Method | null = null;
  try {
    const load = (): LanguageModel => {
      const m = buildModel(dev, cfg, p.seed);
      loadWeightsInto(m, join(parentDir, "model.safetensors"));
      return m;
    };
    const policy = load();
    let ref: LanguageModel | null = null;
    const ctx: MethodContext = {
      dev, stage: s, seed: p.seed, tok, policy, train: data.train, heldout: data.heldout,
      reference: async () => {
        if (!ref) {
          ref = load();
          ref.params.freeze(); // the starting model, frozen: no gradients, no tape
        }
        return ref;
      },
      ...(typeof sc.inputs.pack === "string" ? { packDir: sc.inputs.pack } : {}),
      ...(typeof sc.inputs.reward === "string" ? { rewardDir: sc.inputs.reward } : {}),
      log: (l) => sc.log(l),
    };
    method =
      s.kind === "sft" ? sftMethod(ctx)
      : s.kind === "dpo" ? dpoMethod(ctx, await ctx.reference())
      : s.kind === "reward" ? rewardMethod(ctx)
      : await rlMethod(ctx, await ctx.reference());
    const parentDigest = createHash("sha256").update(readFileSync(join(parentDir, "model.safetensors"))).digest("hex");
    const r = await runLoop({
      dev,
      params: method.params,
      schedule: s,
      scratchDir: sc.scratchDir,
      configHash: JSON.stringify({ params: p, parent: parentDigest }),
      evalEvery: s.eval_every,
      checkpointEvery: s.checkpoint_every,
      logEvery: s.log_every,
      objective: (step) => method!.objective(step),
      evaluate: (step) => method!.evaluate(step),
      data: method.data,
      signal: sc.signal,
      log: (l) => sc.log(l),
      metric: (n, v, st) => sc.metric(n, v, st),
      progress: (pr) => sc.progress(pr),
      ...(o.crashAfterStep !== undefined ? { crashAfterStep: o.crashAfterStep } : {}),
    });
    const summary = {
      kind: s.kind,
      name: s.name,
      steps: r.steps,
      planned_steps: s.steps,
      train: r.train,
      heldout: r.heldout,
      elapsed_s: r.elapsedS,
      tokens_per_s: r.tokensPerS,
      resumed_from: r.resumedFrom,
      parent_digest: parentDigest,
      backend: dev.kind,
      backend_requested: s.backend,
      fallback,
      data: { train: data.train.length, heldout: data.heldout.length, dropped: Object.fromEntries(Object.entries(data.reports.train.dropped).map(([k, v]) => [k, (v as { count: number }).count])) },
    };
    sc.log(`done: ${r.steps} steps, held out ${Object.entries(r.heldout).map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(4)}`).join(", ")}`);
    await writeModelDir(sc.outDir, policy, parentDir, summary, r.metricsFile);
  } finally {
    await method?.close?.();
    if (!o.device) dev.destroy();
  }
}
