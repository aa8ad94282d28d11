// The built-in offline tasks, built from the recipe's held-out text (and WordNet), so every model gets extrinsic
// numbers with no download; the chat_* tasks ask in the chat layout, to compare the base model with its sft / dpo /
// rl stages. A new task is a module exporting a BuiltinTaskDef, listed once here.
import type { LoadedTask } from "../tasks/types.ts";
import { brownCloze } from "./brown-cloze.ts";
import { brownNext } from "./brown-next.ts";
import { chatDefine, chatDefineEm } from "./chat-define.ts";
import { chatLoss } from "./chat-loss.ts";
import { chatSynonym } from "./chat-synonym.ts";
import { BuiltinTaskError } from "./errors.ts";
import { type BuiltinOptions, type BuiltinTaskDef, resolveOptions } from "./task.ts";
import { wordnetDefine } from "./wordnet-define.ts";

const TASKS: readonly BuiltinTaskDef[] = [brownCloze, brownNext, wordnetDefine, chatDefine, chatDefineEm, chatSynonym, chatLoss];

export const BUILTIN_TASKS: readonly string[] = Object.freeze(TASKS.map((t) => t.name));

/** One line per task: what it measures (for `lathe eval --list`). */
export function builtinAbout(name: string): string | undefined {
  return TASKS.find((t) => t.name === name)?.about;
}

/** Builds a built-in task (source "builtin:<name>"); same inputs → identical docs. */
export function builtinTask(name: string, opts: BuiltinOptions): LoadedTask {
  const def = TASKS.find((t) => t.name === name);
  if (!def) throw new BuiltinTaskError(`builtin:${name}`, `no built-in task ${JSON.stringify(name)}`, `use one of ${BUILTIN_TASKS.join(", ")}`);
  return def.build(resolveOptions(name, opts));
}
