// decontaminate's `tasks:` (eval tasks named by the user): checked when the clean stage is planned (local files exist,
// are JSONL / Parquet / CSV and hold text; URLs are pinned by #sha256=; built-in task names are refused), so their
// files become the stage's inputs, and read when it runs (every string of every record is n-grammed).
import { existsSync, statSync } from "node:fs";
import { basename, resolve } from "node:path";
import { SectionError } from "../errors.ts";
import type { Clean, DecontaminateTask } from "../params.ts";
import { addNgrams, type NgramSet } from "../rules/decontaminate.ts";
import { WordHashes } from "../rules/words.ts";
import { hasText, hasTextSync, readRecords, recordFormat, recordStrings } from "../read/records.ts";
import { fileLabel, isUrl } from "../read/resolve.ts";
import type { ReadContext } from "../read/source.ts";
import { fetchVerified } from "../read/url.ts";

/**
 * Eval tasks that are built in @lathe/eval from held-out text only (the clean stage's test split, held-out WordNet
 * words), so training never contains them. Mirrors @lathe/eval's BUILTIN_TASKS (data cannot import eval).
 */
export const HELD_OUT_TASKS: readonly string[] = ["brown_cloze", "brown_next", "wordnet_define", "chat_define", "chat_define_em", "chat_synonym", "chat_loss"];

const URL_PIN = /^(https?:\/\/[^#]+)#sha256=([0-9a-f]{64})$/i;
const FORMAT_HINT = "task data files are .jsonl, .parquet or .csv/.tsv (JSONL and CSV may be .gz or .zst), as published with the task";
const NO_TEXT_HINT = "point data_files at the task's records (question, context and choice fields); a string with a letter in any field counts";

/** One data file of one task, with its JSON pointer in the clean section (/<rule>/tasks/<task>/data_files/<file>). */
interface TaskFileRef {
  readonly task: DecontaminateTask;
  readonly spec: string;
  readonly pointer: string;
}

function* taskFileRefs(clean: Clean): Generator<TaskFileRef> {
  for (const [i, r] of clean.entries()) {
    if (r.rule !== "decontaminate") continue;
    for (const [j, task] of r.tasks.entries()) for (const [k, spec] of task.data_files.entries()) yield { task, spec, pointer: `/${i}/tasks/${j}/data_files/${k}` };
  }
}

/** Refuses built-in task names and a task listed twice in one rule, at the task's label. */
function checkLabels(clean: Clean): void {
  for (const [i, r] of clean.entries()) {
    if (r.rule !== "decontaminate") continue;
    const seen = new Map<string, number>();
    for (const [j, { task }] of r.tasks.entries()) {
      const at = `/${i}/tasks/${j}/task`;
      if (HELD_OUT_TASKS.includes(task)) {
        throw new SectionError("clean", at, `${JSON.stringify(task)} is a built-in eval task`, task, "built-in tasks are built from held-out text only, so they cannot contaminate training by construction; remove this entry");
      }
      const before = seen.get(task);
      if (before !== undefined) throw new SectionError("clean", at, `task ${task} is listed twice (also at tasks/${before})`, task, "list all of a task's files under one entry");
      seen.set(task, j);
    }
  }
}

/**
 * The local files of every decontaminate task, absolute, in order (URLs are pinned by the #sha256= in params, so
 * they need no file input). Throws a SectionError at the offending entry.
 */
export function taskInputFiles(clean: Clean, baseDir: string): string[] {
  checkLabels(clean);
  const files: string[] = [];
  for (const { spec, pointer } of taskFileRefs(clean)) {
    const bad = (detail: string, hint: string): never => {
      throw new SectionError("clean", pointer, detail, spec, hint);
    };
    if (!recordFormat(spec)) bad(`cannot tell the format of ${JSON.stringify(basename(spec.replace(/[?#].*$/, "")))} from its extension`, FORMAT_HINT);
    if (isUrl(spec)) {
      if (!URL_PIN.test(spec)) bad(`URL ${spec} has no #sha256=<64 hex digits>`, "append #sha256=<hex> (sha256sum of the file) so the download is verified and cached");
      continue;
    }
    const abs = resolve(baseDir, spec);
    if (!existsSync(abs)) bad(`file ${abs} does not exist`, "paths are relative to the recipe file's folder");
    if (statSync(abs).isDirectory()) bad(`${abs} is a folder`, "list each data file of the task");
    let text: boolean;
    try {
      text = hasTextSync(abs);
    } catch (e) {
      return bad(`cannot read ${abs} (${(e as Error).message})`, FORMAT_HINT);
    }
    if (!text) bad(`${abs} holds no text`, NO_TEXT_HINT);
    files.push(abs);
  }
  return [...new Set(files)];
}

/** Adds the n-grams of every record of one rule's tasks to `set`; logs per task. A file with no text is refused. */
export async function addTaskNgrams(set: NgramSet, clean: Clean, ruleIndex: number, rc: ReadContext, log: (s: string) => void): Promise<void> {
  const rule = clean[ruleIndex];
  if (rule?.rule !== "decontaminate") return;
  const w = new WordHashes();
  for (const [j, task] of rule.tasks.entries()) {
    set.tasks.push(task.task);
    let records = 0;
    let added = 0;
    for (const [k, spec] of task.data_files.entries()) {
      const pin = URL_PIN.exec(spec);
      const file = pin ? await fetchVerified(pin[1]!, pin[2]!.toLowerCase(), rc.cacheDir, rc.signal) : resolve(rc.baseDir, spec);
      const label = pin ? basename(new URL(pin[1]!).pathname) : fileLabel(file, rc.baseDir);
      let text = false;
      for await (const { where, record } of readRecords(file, label)) {
        // The record's strings in order, one per line: n-grams inside each, and across a context and its next string.
        const strings = recordStrings(record);
        if (!text && hasText(strings)) text = true;
        added += addNgrams(set, strings.join("\n"), { id: where, task: task.task }, w);
        records++;
      }
      if (!text) throw new SectionError("clean", `/${ruleIndex}/tasks/${j}/data_files/${k}`, `${label} holds no text`, spec, NO_TEXT_HINT);
    }
    log(`decontaminate: task ${task.task}: ${records} records, ${added} new ${set.n}-grams from ${task.data_files.length} file(s)`);
  }
}
