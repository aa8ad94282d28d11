// The eval stage (kind eval.run) as the planner sees it: it consumes the latest model, its tokenizer and the clean
// stage's splits, and reads only the eval section, so adding or changing a task never touches a training key.
import { dirname, relative } from "node:path";
import type { Json, PlannedDef, StageChain, StageDef, StageImpl } from "@lathe/engine";
import type { Eval, PlanContext } from "@lathe/recipe";
import { withSectionDefaults } from "@lathe/recipe";
import { sourceFiles, WORDNET_DIALOGUE_VERSION } from "@lathe/data";
import { DEVICE_ENV } from "@lathe/gpu";
import { type EvalParams, resolveTasks, taskInputFiles } from "./params.ts";

/** Bump when the same params and inputs would give different results. */
export const EVAL_VERSION = "2"; // 2: generations sample over the kept tokens in index order

export const evalStage: StageImpl<PlanContext> = {
  plan(ctx, id, inputs): StageDef {
    const section = withSectionDefaults<Eval>("eval", ctx.recipe.eval ?? {});
    const { tasks: _tasks, ...rest } = section;
    const tasks = resolveTasks(section, ctx.file, ctx.root, ctx.locate);
    const base = relative(ctx.root, dirname(ctx.file)).split("\\").join("/");
    const files = [...new Set([...taskInputFiles(tasks, ctx.root), ...section.datasets.flatMap((s) => sourceFiles(s, dirname(ctx.file), ctx.root))])];
    const chat = tasks.some((t) => t.kind === "builtin" && t.task.startsWith("chat_"));
    const params: EvalParams = { eval: rest, tasks, base, ...(chat ? { dialogue: WORDNET_DIALOGUE_VERSION } : {}) };
    return {
      id,
      kind: "eval.run",
      version: EVAL_VERSION,
      params: params as unknown as Json,
      inputs: {
        model: { stage: inputs.model! },
        tokenizer: { stage: inputs.tokenizer! },
        clean: { stage: inputs.clean! },
        ...(files.length > 0 ? { files: { files } } : {}),
      },
      resource: section.backend === "cpu" ? "cpu" : "gpu",
      env: DEVICE_ENV,
      title: `eval ${tasks.length} task${tasks.length === 1 ? "" : "s"}${section.intrinsic ? " + intrinsic" : ""}`,
      run: evalStage.run,
    };
  },
  /**
   * With fine-tuning stages the recipe has several models (train, then each stage's policy): one evaluation per
   * model, so the report card gets a column per stage. The latest model's is `eval`; the others are eval-<stage>.
   */
  planChain(ctx, id, inputs, earlier): StageChain {
    const models = modelsOf(earlier);
    const last = evalStage.plan(ctx, id, inputs);
    if (models.length <= 1) return { defs: [last], output: last.id };
    const defs = models.slice(0, -1).map((m) => ({ ...last, id: ctx.id(`eval-${baseName(m)}`), inputs: { ...last.inputs, model: { stage: m } }, title: `${last.title} (${baseName(m)})` }));
    return { defs: [...defs, last], output: last.id };
  },
  async run(sc) {
    await (await import("./run.ts")).runEval(sc);
  },
};

/** The ids of the stages holding a model, upstream first. */
function modelsOf(earlier: readonly PlannedDef[]): string[] {
  return earlier.filter((e) => e.artifacts.includes("model")).map((e) => e.def.id);
}

/** "trial-2/sft" → "sft". */
function baseName(id: string): string {
  return id.slice(id.lastIndexOf("/") + 1);
}
