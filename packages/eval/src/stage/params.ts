// The eval stage's params, resolved at plan time from the recipe's eval section: every task named in it becomes a
// TaskRef (built-in, shipped or a task file), checked now — an unknown name or a task file with an unknown field
// is a located error before anything builds — and every local file it reads becomes a content-hashed input.
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import type { Eval, Loc } from "@lathe/recipe";
import { BUILTIN_TASKS } from "../builtin/registry.ts";
import { readTaskFile } from "../tasks/config.ts";
import { TaskError } from "../tasks/errors.ts";
import { closest } from "../tasks/fields.ts";
import { SHIPPED_TASKS_DIR, shippedTaskNames } from "../tasks/load.ts";

export interface TaskRef {
  /** As written in the recipe ("hellaswag", "brown_cloze", "tasks/my.yaml"). */
  readonly task: string;
  readonly kind: "builtin" | "shipped" | "file";
  /** Task YAML path relative to the build root ("file" tasks). */
  readonly file?: string;
  /** split → paths relative to the build root, or https URLs with #sha256=. */
  readonly data_files: Readonly<Record<string, readonly string[]>>;
  readonly num_fewshot: number | null;
  /** Items to score, 0 = all. */
  readonly limit: number;
}

export interface EvalParams {
  readonly eval: Omit<Eval, "tasks">;
  readonly tasks: readonly TaskRef[];
  /** The recipe's folder relative to the build root (eval.datasets paths resolve there). */
  readonly base: string;
  /** The WordNet dialogue generator's version when a chat task is run (its items are in no input file). */
  readonly dialogue?: string;
}

const isUrl = (p: string) => /^https?:\/\//.test(p);
const rel = (root: string, p: string) => relative(root, p).split("\\").join("/");

/** The eval section's tasks as TaskRefs; files are resolved against the recipe's folder and stored root-relative. */
export function resolveTasks(section: Eval, recipeFile: string, root: string, locate?: (pointer: string) => Loc | undefined): TaskRef[] {
  const dir = dirname(recipeFile);
  const shipped = shippedTaskNames();
  return section.tasks.map((t, i) => {
    const spec = typeof t === "string" ? { task: t, data_files: {}, num_fewshot: null, limit: null } : t;
    // Errors point at the task in the recipe (file:line:col), or at the section when it comes from defaults.
    const loc = locate?.(`/eval/tasks/${i}`);
    const at = (field: string) => (loc && loc.line > 0 ? { file: loc.file, line: loc.line, col: loc.col, field } : { file: `${loc?.file ?? (rel(process.cwd(), recipeFile) || recipeFile)} /eval/tasks/${i}`, field });
    const data_files = Object.fromEntries(Object.entries(spec.data_files).map(([split, v]) => [split, [v].flat().map((p) => (isUrl(p) ? p : rel(root, resolve(dir, p))))]));
    for (const [split, files] of Object.entries(data_files)) {
      for (const f of files) {
        if (isUrl(f)) {
          if (!/#sha256=[0-9a-f]{64}$/.test(f)) throw new TaskError(at(`data_files.${split}`), `URL ${f} has no #sha256=<64 hex> suffix`, "append the file's sha256 so the download is verified and cached");
        } else if (!existsSync(resolve(root, f))) {
          throw new TaskError(at(`data_files.${split}`), `data file ${f} does not exist`, `the path is relative to the recipe's folder (${rel(root, dir) || "."})`);
        }
      }
    }
    const common = { task: spec.task, data_files, num_fewshot: spec.num_fewshot, limit: spec.limit ?? section.limit };
    if (/\.ya?ml$/.test(spec.task) || spec.task.includes("/")) {
      const file = resolve(dir, spec.task);
      if (!existsSync(file)) throw new TaskError(at("task"), `task file ${spec.task} does not exist`, `the path is relative to the recipe's folder (${rel(root, dir) || "."})`);
      readTaskFile(file); // unknown fields, bad YAML: located errors now, not after training
      return { ...common, kind: "file" as const, file: rel(root, file) };
    }
    if (BUILTIN_TASKS.includes(spec.task)) return { ...common, kind: "builtin" as const };
    if (shipped.includes(spec.task)) return { ...common, kind: "shipped" as const };
    const near = closest(spec.task, [...BUILTIN_TASKS, ...shipped]);
    throw new TaskError(
      at("task"),
      `no task named ${JSON.stringify(spec.task)}`,
      near ? `did you mean ${JSON.stringify(near)}?` : `built-in: ${BUILTIN_TASKS.join(", ")}; shipped: ${shipped.filter((n) => !n.startsWith("mmlu_")).join(", ")}, mmlu_<subject>; or the path of a task YAML`,
    );
  });
}

/** Every local file the tasks read (task YAML, the shipped task files, data files), for the stage's file inputs. */
export function taskInputFiles(tasks: readonly TaskRef[], root: string): string[] {
  const out = new Set<string>();
  const yamls = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) yamls(p);
      else if (/\.ya?ml$/.test(e)) out.add(rel(root, p));
    }
  };
  if (tasks.some((t) => t.kind === "shipped")) yamls(SHIPPED_TASKS_DIR);
  for (const t of tasks) {
    if (t.file) out.add(t.file);
    for (const files of Object.values(t.data_files)) for (const f of files) if (!isUrl(f)) out.add(f);
  }
  return [...out].sort();
}
