// Task name or file → LoadedTask: finds shipped tasks by scanning packages/eval/tasks/ (names, groups and tags, as
// the harness's TaskManager), resolves each split's data (data_files, --data overrides, or a local dataset_path
// folder in the Hugging Face layout), applies process_docs, checks columns, and expands groups into their subtasks.
import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { readTaskFile, type TaskFile } from "./config.ts";
import { docToChoice, docToTarget, docToText, setOrigin } from "./docfields.ts";
import { TaskError } from "./errors.ts";
import { closest } from "./fields.ts";
import { readDataFile, urlFile } from "./files.ts";
import { processDocsFn } from "./processDocs.ts";
import type { Doc, GroupConfig, LoadedTask, TaskConfig } from "./types.ts";

export const SHIPPED_TASKS_DIR = resolve(import.meta.dir, "../../tasks");

export interface LoadOptions {
  /** Folder relative paths of dataFiles and of a task file argument resolve against (the repo root). */
  readonly root: string;
  /** split → file(s), overriding the task's data_files; "{task}" and "{dataset_name}" are filled per (sub)task. */
  readonly dataFiles?: Readonly<Record<string, string | readonly string[]>>;
  /** Keep the first `limit` documents (a fraction < 1 keeps ceil(n × limit), as the harness). */
  readonly limit?: number;
  /** Where URL data files are cached (downloads/ inside); default $LATHE_CACHE or <root>/cache. */
  readonly cacheDir?: string;
}

interface TaskIndex {
  readonly files: ReadonlyMap<string, string>; // task or group name → file
  readonly tags: ReadonlyMap<string, readonly string[]>; // tag → task names
}

const indexes = new Map<string, TaskIndex>();

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(e)) out.push(p);
  }
  return out;
}

/** Names, groups and tags of every task file under dir (cached per folder); in a user's folder, YAML files that
 * are not task files (recipes, …) are skipped, while a shipped file that does not read is an error. */
function taskIndex(dir: string, strict = true): TaskIndex {
  const key = `${strict}:${dir}`;
  let idx = indexes.get(key);
  if (idx) return idx;
  const files = new Map<string, string>();
  const tags = new Map<string, string[]>();
  for (const f of strict ? yamlFiles(dir) : readdirSync(dir).filter((e) => /\.ya?ml$/.test(e)).map((e) => join(dir, e))) {
    let t: TaskFile;
    try {
      t = readTaskFile(f);
    } catch (e) {
      if (strict) throw e;
      continue;
    }
    const name = t.kind === "group" ? t.config.group : t.config.task;
    files.set(name, f);
    if (t.kind === "task" && t.config.tag) for (const tag of [t.config.tag].flat()) tags.set(tag, [...(tags.get(tag) ?? []), name]);
  }
  idx = { files, tags };
  indexes.set(key, idx);
  return idx;
}

/** Names of the shipped tasks and groups (packages/eval/tasks/**.yaml), sorted. */
export function shippedTaskNames(): string[] {
  return [...taskIndex(SHIPPED_TASKS_DIR).files.keys()].sort();
}

/** A shipped task or group name, or a path to a task YAML file. */
export async function loadTask(nameOrFile: string, opts: LoadOptions): Promise<LoadedTask> {
  const cache = new Map<string, Promise<Doc[]>>();
  if (/\.ya?ml$/.test(nameOrFile) || nameOrFile.includes("/")) {
    const file = resolve(opts.root, nameOrFile);
    const tf = readTaskFile(file);
    const scope = tf.kind === "group" ? [taskIndex(dirname(tf.file), false), taskIndex(SHIPPED_TASKS_DIR)] : [];
    return loadFile(tf, opts, cache, scope);
  }
  const shipped = taskIndex(SHIPPED_TASKS_DIR);
  const file = shipped.files.get(nameOrFile);
  if (!file) {
    const near = closest(nameOrFile, [...shipped.files.keys()]);
    throw new TaskError({ file: nameOrFile }, `no shipped task named ${JSON.stringify(nameOrFile)}`, near ? `did you mean ${JSON.stringify(near)}? Or pass the path of a task YAML file` : `shipped tasks: ${[...shipped.files.keys()].filter((n) => !n.startsWith("mmlu_")).sort().join(", ")}, mmlu_<subject>; or pass the path of a task YAML file`);
  }
  return loadFile(readTaskFile(file), opts, cache, [shipped]);
}

async function loadFile(tf: TaskFile, opts: LoadOptions, cache: Map<string, Promise<Doc[]>>, indexesInScope: readonly TaskIndex[]): Promise<LoadedTask> {
  if (tf.kind === "group") return loadGroup(tf.config, tf.file, opts, cache, indexesInScope);
  return loadConfig(tf.config, tf.file, tf.positions, opts, cache);
}

async function loadGroup(g: GroupConfig, file: string, opts: LoadOptions, cache: Map<string, Promise<Doc[]>>, scope: readonly TaskIndex[]): Promise<LoadedTask> {
  const children: LoadedTask[] = [];
  for (const name of g.task) {
    const idx = scope.find((i) => i.files.has(name) || i.tags.has(name));
    if (!idx) throw new TaskError({ file, field: "task" }, `group ${g.group} lists ${JSON.stringify(name)}, which is no task, group or tag`, "check the name against the task files' task:/group:/tag: fields");
    const names = idx.files.has(name) ? [name] : idx.tags.get(name)!;
    for (const n of names) children.push(await loadFile(readTaskFile(idx.files.get(n)!), opts, cache, scope));
  }
  const config: TaskConfig = { task: g.group, output_type: children[0]?.config.output_type ?? "multiple_choice", doc_to_text: "", doc_to_target: "", ...(g.metadata ? { metadata: g.metadata } : {}) };
  return { config, source: file, docs: [], fewshotDocs: [], group: { config: g, children } };
}

function fill(path: string, c: TaskConfig): string {
  return path.replaceAll("{task}", c.task).replaceAll("{dataset_name}", c.dataset_name ?? "");
}

/** Local files of one split, or null when the task has none for it. */
async function splitFiles(c: TaskConfig, split: string, taskFile: string, opts: LoadOptions): Promise<string[] | null> {
  const cacheDir = opts.cacheDir ?? process.env.LATHE_CACHE ?? join(opts.root, "cache");
  const local = async (p: string, base: string) => (/^https?:\/\//.test(p) ? urlFile(p, cacheDir) : resolve(base, p));
  const over = opts.dataFiles?.[split];
  if (over !== undefined) return Promise.all([over].flat().map((p) => local(fill(p, c), opts.root)));
  const own = c.data_files?.[split];
  if (own !== undefined) return Promise.all([own].flat().map((p) => local(fill(p, c), dirname(taskFile))));
  if (c.dataset_path && !c.data_files && !opts.dataFiles) {
    const base = isAbsolute(c.dataset_path) ? c.dataset_path : resolve(opts.root, c.dataset_path);
    if (existsSync(base) && statSync(base).isDirectory()) {
      for (const dir of [c.dataset_name ? join(base, c.dataset_name) : null, join(base, "data"), base]) {
        if (!dir || !existsSync(dir)) continue;
        const hits = readdirSync(dir).filter((f) => (f === split || f.startsWith(`${split}.`) || f.startsWith(`${split}-`)) && /\.(jsonl|json|parquet|csv|tsv)$/.test(f)).sort();
        if (hits.length) return hits.map((f) => join(dir, f));
      }
    }
  }
  return null;
}

const label = (f: string, root: string) => {
  const r = relative(root, f);
  return r.startsWith("..") ? f : r;
};

async function readSplit(c: TaskConfig, split: string, taskFile: string, opts: LoadOptions, cache: Map<string, Promise<Doc[]>>): Promise<{ docs: Doc[]; label: string } | null> {
  const files = await splitFiles(c, split, taskFile, opts);
  if (!files) return null;
  const rows: Doc[] = [];
  for (const f of files) {
    let p = cache.get(f);
    if (!p) {
      p = readDataFile(f, label(f, opts.root)).then((d) => {
        checkColumns(d.label, d.rows, d.columns);
        return d.rows;
      });
      cache.set(f, p);
    }
    rows.push(...(await p));
  }
  const fileLabel = files.map((f) => label(f, opts.root)).join(", ");
  if (c.process_docs) {
    const pd = processDocsFn(c.process_docs)!;
    const have = rows.length ? Object.keys(rows[0]!) : [];
    const missing = pd.columns.filter((col) => !have.includes(col));
    if (rows.length && missing.length) {
      throw new TaskError({ file: fileLabel, row: 0, field: missing[0] }, `column ${JSON.stringify(missing[0])} missing: process_docs ${c.process_docs} needs ${pd.columns.join(", ")}; the file has ${have.join(", ")}`, `point data_files at ${c.dataset_path ?? "the dataset"}'s files as published (Hugging Face column names)`);
    }
    try {
      return { docs: pd.fn(rows, c), label: fileLabel };
    } catch (e) {
      throw new TaskError({ file: fileLabel, field: "process_docs" }, `process_docs ${c.process_docs} failed: ${(e as Error).message}`, `check that the file has ${c.dataset_path ?? "the dataset"}'s columns and value types`, { cause: e });
    }
  }
  return { docs: rows, label: fileLabel };
}

/** Every row must have the first row's columns. */
function checkColumns(file: string, rows: readonly Doc[], columns: readonly string[]): void {
  for (let i = 0; i < rows.length; i++) {
    for (const col of columns) {
      if (!(col in rows[i]!)) throw new TaskError({ file, row: i, field: col }, `row lacks column ${JSON.stringify(col)} (columns of the file: ${columns.join(", ")}; this row has ${Object.keys(rows[i]!).join(", ")})`, "every row of a data file needs the same columns");
    }
  }
}

async function loadConfig(c: TaskConfig, file: string, positions: TaskFile["positions"], opts: LoadOptions, cache: Map<string, Promise<Doc[]>>): Promise<LoadedTask> {
  const evalSplit = c.test_split ?? c.validation_split;
  if (!evalSplit) throw new TaskError({ file, field: "test_split" }, "the task has neither test_split nor validation_split", "name the split to score, e.g. `test_split: test`");
  const scored = await readSplit(c, evalSplit, file, opts, cache);
  if (!scored) {
    throw new TaskError({ file, field: "data_files" }, `no data for split ${JSON.stringify(evalSplit)} of ${c.task}${c.dataset_path ? ` (dataset ${c.dataset_path}${c.dataset_name ? `, ${c.dataset_name}` : ""})` : ""}`, `pass data files (e.g. dataFiles { ${evalSplit}: "path/to/${evalSplit}.parquet" }), set data_files in the task file, or point dataset_path at a local folder; Lathe does not download datasets by name`);
  }
  const fsSplit = c.fewshot_split ?? c.training_split ?? c.validation_split ?? c.test_split;
  const fewshot = !fsSplit ? null : fsSplit === evalSplit ? scored : await readSplit(c, fsSplit, file, opts, cache);
  const total = scored.docs.length;
  const limit = opts.limit === undefined ? total : opts.limit < 1 ? Math.ceil(total * opts.limit) : Math.min(total, Math.floor(opts.limit));
  const docs = scored.docs.slice(0, limit);
  const splitFilesMap: Record<string, string> = { [evalSplit]: scored.label };
  if (fsSplit && fewshot) splitFilesMap[fsSplit] = fewshot.label;
  setOrigin(c, { positions, splitFiles: splitFilesMap, evalSplit });
  if (docs.length === 0) throw new TaskError({ file: scored.label, field: evalSplit }, `empty task: split ${JSON.stringify(evalSplit)} of ${c.task} has no documents${c.process_docs ? ` after process_docs ${c.process_docs}` : ""}`, c.process_docs?.startsWith("mmlu/") ? `the rows' subject must be ${JSON.stringify(c.dataset_name)}` : "check the data file");
  const task: LoadedTask = { config: c, source: file, docs, fewshotDocs: fewshot?.docs ?? [], totalDocs: total };
  // The harness renders one document at load ("test one doc"); rendering them all finds every bad row now.
  let inv = 0;
  for (let row = 0; row < docs.length; row++) {
    const d = docs[row]!;
    if (c.output_type !== "loglikelihood_rolling") docToText({ task, row }, d);
    docToTarget({ task, row }, d);
    if (c.doc_to_choice != null) inv += 1 / docToChoice({ task, row }, d).length;
  }
  const main = c.metric_list?.[0]?.metric ?? (c.output_type === "multiple_choice" ? "acc" : "");
  return c.output_type === "multiple_choice" && !c.process_results && (main === "acc" || main === "mc1") ? { ...task, chance: inv / docs.length } : task;
}
