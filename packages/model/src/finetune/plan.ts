// The finetune stage kind as the planner sees it: the recipe's finetune list becomes a chain of model.finetune
// stages, each consuming the previous policy (so its key covers its parent model's digest); a `reward` stage trains
// a reward model from the policy before it and leaves the chain as it was, and a later `rl` stage with
// `reward: model` consumes it. Data files are content-hashed inputs; the built-in WordNet data is keyed by its
// generator's version. A tokenizer without the chat tokens and a misplaced stage are located errors now.
import { existsSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import type { Json, StageChain, StageDef, StageImpl } from "@lathe/engine";
import { DEVICE_ENV } from "@lathe/gpu";
import type { PlanContext } from "@lathe/recipe";
import { WORDNET_DIALOGUE_VERSION } from "@lathe/data";
import { checkChatTokenizer } from "@lathe/tokenizer";
import { type FinetuneStageConfig, finetuneStages, planError } from "./config.ts";

/** Bump when the same params and inputs would give different weights. */
export const FINETUNE_VERSION = "1";

export interface FinetuneParams {
  readonly stage: FinetuneStageConfig;
  readonly seed: number;
  /** Root-relative data files (content-hashed as the `files` input), or the built-in generator and its version. */
  readonly data: DataRef;
  readonly heldout: DataRef | { readonly split: number };
}
/** Built-in data: `wordnet` (the stage kind's own task) or `wordnet-use` (rl: "Use ‘x’ in a sentence.", rewarded when it uses x). */
export type DataRef = { readonly builtin: "wordnet"; readonly task?: "rl_use"; readonly version: string } | { readonly file: string };

export const finetuneStage: StageImpl<PlanContext> = {
  plan() {
    throw new Error("model.finetune plans a chain: the registry calls planChain");
  },
  planChain(ctx, _id, inputs, earlier): StageChain {
    const stages = finetuneStages(ctx.recipe.finetune);
    if (stages.length === 0) throw planError(ctx, "/finetune", "the finetune list is empty", "list stages, e.g. finetune: [{kind: sft}, {kind: dpo}], or remove the section");
    const bad = checkChatTokenizer(ctx.recipe.tokenizer);
    if (bad) throw planError(ctx, bad.pointer, `fine-tuning renders chat tokens, but ${bad.message}`, bad.hint);
    const taken = new Set(earlier.map((e) => e.def.id));
    const defs: StageDef[] = [];
    const artifacts: Record<string, string[]> = {};
    let policy = inputs.model!;
    let reward: string | undefined;
    stages.forEach((s, i) => {
      const at = `/finetune/${i}`;
      const id = ctx.id(s.name);
      if (taken.has(id) || s.name.startsWith("eval")) throw planError(ctx, `${at}/name`, `stage name "${s.name}" is taken by another stage of this recipe`, "give the stage another name:, e.g. sft-long");
      taken.add(id);
      if (s.kind === "rl" && (ctx.recipe.model as { kind?: string }).kind !== "gpt")
        throw planError(ctx, `${at}/kind`, `rl samples its rollouts with the batched decoder, which runs gpt models, and this model is ${(ctx.recipe.model as { kind?: string }).kind}`, "use model.kind: gpt, or stop the list at sft/dpo");
      if (s.kind === "rl" && s.reward === "model" && reward === undefined)
        throw planError(ctx, `${at}/reward`, "reward: model needs a reward stage before this rl stage", "add {kind: reward} earlier in the finetune list, or use a verifiable reward (contains, exact, regex)");
      const files: string[] = [];
      const data = dataRef(ctx, s.data, `${at}/data`, files, s.kind);
      // Built-in data is held out from the same generator (its held-out words) unless the recipe says otherwise.
      const held = s.heldout === "wordnet" && s.data === "wordnet-use" ? "wordnet-use" : s.heldout;
      const heldout = held === "split" ? { split: s.heldout_fraction } : dataRef(ctx, held, `${at}/heldout`, files, s.kind);
      const params: FinetuneParams = { stage: s, seed: ctx.recipe.seed, data, heldout };
      const def: StageDef = {
        id,
        kind: "model.finetune",
        version: FINETUNE_VERSION,
        params: params as unknown as Json,
        inputs: {
          parent: { stage: policy },
          tokenizer: { stage: inputs.tokenizer! },
          ...(s.kind === "sft" && s.mix_pretrain > 0 ? { pack: { stage: inputs.pack! } } : {}),
          ...(s.kind === "rl" && s.reward === "model" ? { reward: { stage: reward! } } : {}),
          ...(files.length > 0 ? { files: { files } } : {}),
        },
        resource: s.backend === "cpu" ? "cpu" : "gpu",
        env: DEVICE_ENV,
        ...(s.backend === "auto" ? { machineDependent: "backend auto" } : {}),
        title: title(s),
        run: finetuneStage.run,
      };
      defs.push(def);
      if (s.kind === "reward") {
        artifacts[id] = ["reward_model"];
        reward = id;
      } else policy = id;
    });
    if (!defs.some((d) => d.id === policy)) throw planError(ctx, "/finetune", "the finetune list has only reward stages, so no stage continues the policy", "add an sft, dpo or rl stage (an rl stage with reward: model uses the reward model)");
    return { defs, output: policy, artifacts };
  },
  async run(sc) {
    await (await import("./run.ts")).runFinetune(sc);
  },
};

function dataRef(ctx: PlanContext, value: string, pointer: string, files: string[], kind: string): DataRef {
  if (value === "wordnet") return { builtin: "wordnet", version: WORDNET_DIALOGUE_VERSION };
  if (value === "wordnet-use") {
    if (kind !== "rl") throw planError(ctx, pointer, `wordnet-use is a set of rl prompts, and this is a ${kind} stage`, "use data: wordnet here");
    return { builtin: "wordnet", task: "rl_use", version: WORDNET_DIALOGUE_VERSION };
  }
  const file = resolve(dirname(ctx.file), value);
  if (!existsSync(file)) throw planError(ctx, pointer, `data file ${value} does not exist`, `the path is relative to the recipe's folder (${relative(ctx.root, dirname(ctx.file)) || "."}); or use the built-in data: wordnet`);
  const rel = relative(ctx.root, file).split("\\").join("/");
  if (!files.includes(rel)) files.push(rel);
  return { file: rel };
}

function title(s: FinetuneStageConfig): string {
  const extra = s.kind === "dpo" ? ` β=${s.beta}` : s.kind === "rl" ? ` ${s.reward} G=${s.group_size}` : "";
  return `${s.kind} ${s.steps} steps lr ${s.lr}${extra}`;
}
