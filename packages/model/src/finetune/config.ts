// The finetune section resolved: every stage with its defaults and its name (its kind; "sft-2" for a repeat), and
// the checks the schema cannot make, reported at the recipe's file:line:col before anything builds.
import { type Finetune, type PlanContext, RecipeError, withSectionDefaults } from "@lathe/recipe";

export type FinetuneKind = "sft" | "dpo" | "reward" | "rl";
export type FinetuneStageConfig = Required<Finetune[number]> & { readonly kind: FinetuneKind; readonly name: string };

/** The stages of the finetune section, in order, named. */
export function finetuneStages(section: unknown): FinetuneStageConfig[] {
  const list = withSectionDefaults<Finetune>("finetune", structuredClone(section ?? []));
  const seen = new Map<string, number>();
  return list.map((s) => {
    const base = s.name || s.kind!;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return { ...s, name: n === 1 ? base : `${base}-${n}` } as FinetuneStageConfig;
  });
}

/** A located recipe error at a pointer (the nearest written ancestor when the field is a default). */
export function planError(ctx: PlanContext, pointer: string, message: string, hint: string): RecipeError {
  const loc = ctx.locate?.(pointer);
  return new RecipeError([{ file: loc?.file ?? ctx.file, line: loc?.line ?? 0, col: loc?.col ?? 0, pointer, message: `${pointer}: ${message}`, hint }]);
}
