// Task YAML → TaskConfig / GroupConfig: the harness's file format restricted to the documented subset (fields.ts),
// with `include:` (relative path, the including file's fields win) and `!function` references resolved against the
// registry. Every error is a TaskError at file:line:col.
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode, type Pair, type ScalarTag } from "yaml";
import { TaskError } from "./errors.ts";
import { AGGREGATE_METRIC_KEYS, closest, FEWSHOT_CONFIG_KEYS, type FieldKind, GENERATION_KEYS, GROUP_FIELDS, HARNESS_ONLY_FIELDS, METRIC_KEYS, OUTPUT_TYPES, TASK_FIELDS } from "./fields.ts";
import { functionKey, registeredFunctions } from "./processDocs.ts";
import type { GroupConfig, TaskConfig } from "./types.ts";

/** Where a field's value was written. */
export interface Pos {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/** A `!function module.name` value before it is resolved. */
class FunctionRef {
  constructor(readonly ref: string) {}
}

const functionTag: ScalarTag = {
  tag: "!function",
  resolve: (s: string) => new FunctionRef(s.trim()),
};

export type TaskFile =
  | { readonly kind: "task"; readonly config: TaskConfig; readonly file: string; readonly positions: ReadonlyMap<string, Pos> }
  | { readonly kind: "group"; readonly config: GroupConfig; readonly file: string; readonly positions: ReadonlyMap<string, Pos> };

interface RawField {
  readonly value: unknown;
  readonly pos: Pos;
  /** Folder of the file the field was written in (for !function resolution). */
  readonly folder: string;
}

/** Fields of one file (includes merged), each with where it was written. */
function readRaw(file: string, stack: readonly string[]): Map<string, RawField> {
  if (!existsSync(file)) throw new TaskError({ file: stack.at(-1) ?? file }, `task file ${JSON.stringify(file)} not found`, "check the path (include: paths are relative to the including file)");
  const text = readFileSync(file, "utf8");
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, customTags: [functionTag], prettyErrors: false });
  const at = (offset: number): Pos => {
    const p = lc.linePos(offset);
    return { file, line: p.line, col: p.col };
  };
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const p = at(e.pos[0]);
    throw new TaskError(p, `YAML syntax error: ${e.message.split("\n")[0]}`, "fix the YAML syntax");
  }
  if (doc.contents === null || (isScalar(doc.contents) && (doc.contents.value === null || doc.contents.value === ""))) {
    throw new TaskError({ file }, "empty task file", "a task file needs at least task, output_type, doc_to_text and doc_to_target (or include: of a file that has them)");
  }
  if (!isMap(doc.contents)) throw new TaskError(at(doc.contents.range?.[0] ?? 0), "a task file must be a mapping of field: value", "write one field per line, e.g. `task: my_task`");
  const folder = basename(dirname(file));
  const own = new Map<string, RawField>();
  const isGroup = doc.contents.items.some((p) => isScalar(p.key) && p.key.value === "group");
  const fields = isGroup ? GROUP_FIELDS : TASK_FIELDS;
  for (const pair of doc.contents.items as Pair<YamlNode, YamlNode>[]) {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    const pos = at(pair.key?.range?.[0] ?? 0);
    if (!(key in fields)) {
      const near = closest(key, Object.keys(fields));
      const what = HARNESS_ONLY_FIELDS.has(key) ? `harness field ${JSON.stringify(key)} is outside Lathe's subset` : `unknown field ${JSON.stringify(key)}`;
      throw new TaskError(pos, what, near ? `did you mean ${JSON.stringify(near)}? (supported fields: packages/eval/tasks/README.md)` : `supported ${isGroup ? "group" : "task"} fields: ${Object.keys(fields).join(", ")}`);
    }
    const vpos = pair.value?.range ? at(pair.value.range[0]) : pos;
    own.set(key, { value: pair.value === null ? null : doc.contents === null ? null : (pair.value as YamlNode).toJS(doc), pos: vpos, folder });
  }
  const inc = own.get("include");
  if (!inc) return own;
  if (typeof inc.value !== "string") throw new TaskError(inc.pos, `include must be a file path, got ${JSON.stringify(inc.value)}`, "write `include: other_task.yaml`");
  const target = resolve(dirname(file), inc.value);
  if ([...stack, file].includes(target)) throw new TaskError(inc.pos, `include cycle: ${[...stack, file, target].map((f) => basename(f)).join(" → ")}`, "remove one of the includes");
  const merged = readRaw(target, [...stack, file]);
  for (const [k, v] of own) if (k !== "include") merged.set(k, v);
  merged.delete("include");
  return merged;
}

function kindError(f: RawField, name: string, want: string): TaskError {
  return new TaskError({ ...f.pos, field: name }, `${name} must be ${want}, got ${JSON.stringify(f.value instanceof FunctionRef ? `!function ${f.value.ref}` : f.value)}`, `see the field table in packages/eval/tasks/README.md`);
}

function checkKind(name: string, f: RawField, kind: FieldKind): void {
  const v = f.value;
  const isStrList = Array.isArray(v) && v.every((x) => typeof x === "string");
  const ok =
    kind === "string" ? typeof v === "string"
    : kind === "string?" ? typeof v === "string" || v === null
    : kind === "int" ? Number.isInteger(v) && (v as number) >= 0
    : kind === "bool" ? typeof v === "boolean"
    : kind === "number" ? typeof v === "number"
    : kind === "template" ? typeof v === "string" || Number.isInteger(v)
    : kind === "choices" ? typeof v === "string" || isStrList || v === null
    : kind === "strings" ? typeof v === "string" || isStrList
    : kind === "function" ? v instanceof FunctionRef || v === null
    : kind === "map" ? v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof FunctionRef)
    : Array.isArray(v);
  const want: Record<FieldKind, string> = {
    string: "a string", "string?": "a string or null", int: "a non-negative integer", bool: "true or false", number: "a number",
    template: "a Jinja template, a column name or an integer", choices: "a template, a column name or a list of strings",
    strings: "a string or a list of strings", function: "a !function utils.<name> reference", map: "a mapping", list: "a list",
  };
  if (!ok) throw kindError(f, name, want[kind]);
}

function checkKeys(f: RawField, name: string, obj: Record<string, unknown>, keys: readonly string[]): void {
  for (const k of Object.keys(obj)) {
    if (!keys.includes(k)) {
      const near = closest(k, keys);
      throw new TaskError({ ...f.pos, field: name }, `unknown key ${JSON.stringify(k)} in ${name}`, near ? `did you mean ${JSON.stringify(near)}?` : `${name} takes ${keys.join(", ")}`);
    }
  }
}

function resolveFunction(f: RawField, name: "process_docs" | "process_results"): string | null {
  if (f.value === null) return null;
  const ref = (f.value as FunctionRef).ref;
  const key = functionKey(ref, f.folder, name);
  if (!key) {
    const known = registeredFunctions(name);
    throw new TaskError({ ...f.pos, field: name }, `no registered function for !function ${ref} (looked up ${JSON.stringify(`${f.folder}/${ref}`)} and ${JSON.stringify(ref)})`, `register one with register${name === "process_docs" ? "ProcessDocs" : "ProcessResults"}() in packages/eval/src/tasks/processDocs.ts; registered: ${known.join(", ") || "none"}`);
  }
  return key;
}

function validateTask(raw: Map<string, RawField>, file: string): TaskConfig {
  for (const [k, f] of raw) checkKind(k, f, TASK_FIELDS[k]!);
  const need = (k: string, hint: string) => {
    if (!raw.has(k)) throw new TaskError({ file, line: 1, col: 1, field: k }, `missing required field ${k}`, hint);
  };
  need("task", "name the task: `task: my_task`");
  need("output_type", `one of ${OUTPUT_TYPES.join(", ")}`);
  const ot = raw.get("output_type")!;
  if (!(OUTPUT_TYPES as readonly string[]).includes(ot.value as string)) throw new TaskError({ ...ot.pos, field: "output_type" }, `output_type ${JSON.stringify(ot.value)} is not supported`, `use one of ${OUTPUT_TYPES.join(", ")}`);
  if (ot.value !== "loglikelihood_rolling") need("doc_to_text", "a Jinja template over the dataset's columns, e.g. \"Question: {{question}}\\nAnswer:\"");
  need("doc_to_target", "a column name, a template, or the index of the correct choice");
  if (ot.value === "multiple_choice") need("doc_to_choice", "a column holding the list of choices, a template that yields a list, or a literal list");
  const out: Record<string, unknown> = {};
  for (const [k, f] of raw) out[k] = f.value;
  if (!raw.has("doc_to_text")) out.doc_to_text = "";
  for (const k of ["process_docs", "process_results"] as const) if (raw.has(k)) out[k] = resolveFunction(raw.get(k)!, k);
  const sub = (k: string, keys: readonly string[]) => {
    const f = raw.get(k);
    if (f) checkKeys(f, k, f.value as Record<string, unknown>, keys);
  };
  sub("generation_kwargs", GENERATION_KEYS);
  sub("fewshot_config", FEWSHOT_CONFIG_KEYS);
  const fc = raw.get("fewshot_config");
  const sampler = (fc?.value as { sampler?: unknown } | undefined)?.sampler;
  if (fc && sampler !== undefined && sampler !== "default" && sampler !== "first_n") throw new TaskError({ ...fc.pos, field: "fewshot_config" }, `fewshot_config.sampler ${JSON.stringify(sampler)} is not supported`, "use default (seeded random) or first_n");
  const gk = raw.get("generation_kwargs");
  if (gk) {
    const g = gk.value as Record<string, unknown>;
    if (typeof g.until === "string") out.generation_kwargs = { ...g, until: [g.until] };
    else if (g.until !== undefined && !(Array.isArray(g.until) && g.until.every((x) => typeof x === "string"))) throw kindError({ ...gk, value: g.until }, "generation_kwargs.until", "a string or a list of strings");
    if (g.max_gen_toks !== undefined && !(Number.isInteger(g.max_gen_toks) && (g.max_gen_toks as number) > 0)) throw kindError({ ...gk, value: g.max_gen_toks }, "generation_kwargs.max_gen_toks", "a positive integer");
  }
  const ml = raw.get("metric_list");
  if (ml) {
    for (const m of ml.value as unknown[]) {
      if (m === null || typeof m !== "object" || typeof (m as { metric?: unknown }).metric !== "string") throw kindError({ ...ml, value: m }, "metric_list item", "a mapping with a metric name, e.g. `- metric: acc`");
      checkKeys(ml, "metric_list", m as Record<string, unknown>, METRIC_KEYS);
      const res = (m as { regexes_to_ignore?: unknown }).regexes_to_ignore;
      if (res !== undefined) {
        if (!(Array.isArray(res) && res.every((r) => typeof r === "string"))) throw kindError({ ...ml, value: res }, "metric_list.regexes_to_ignore", "a list of regular expressions");
        for (const r of res as string[]) {
          try {
            new RegExp(r, "g");
          } catch (e) {
            throw new TaskError({ ...ml.pos, field: "metric_list" }, `regexes_to_ignore item ${JSON.stringify(r)} is not a valid regular expression (${(e as Error).message})`, "write the pattern in the syntax Python's re and JavaScript share, e.g. \"^\\s+|\\s+$\"", { cause: e });
          }
        }
      }
    }
  }
  const df = raw.get("data_files");
  if (df) {
    for (const [split, v] of Object.entries(df.value as Record<string, unknown>)) {
      if (!(typeof v === "string" || (Array.isArray(v) && v.every((x) => typeof x === "string")))) throw kindError({ ...df, value: v }, `data_files.${split}`, "a path/URL or a list of them");
    }
  }
  return out as unknown as TaskConfig;
}

function validateGroup(raw: Map<string, RawField>, file: string): GroupConfig {
  for (const [k, f] of raw) checkKind(k, f, GROUP_FIELDS[k]!);
  if (!raw.has("task")) throw new TaskError({ file, line: 1, col: 1, field: "task" }, "a group needs a task: list of its tasks, groups or tags", "e.g. `task: [mmlu_stem, mmlu_other]`");
  const agg = raw.get("aggregate_metric_list");
  for (const m of (agg?.value as unknown[] | undefined) ?? []) {
    if (m === null || typeof m !== "object" || typeof (m as { metric?: unknown }).metric !== "string") throw kindError({ ...agg!, value: m }, "aggregate_metric_list item", "a mapping such as `- metric: acc`");
    checkKeys(agg!, "aggregate_metric_list", m as Record<string, unknown>, AGGREGATE_METRIC_KEYS);
  }
  const out: Record<string, unknown> = {};
  for (const [k, f] of raw) out[k] = f.value;
  if (typeof out.task === "string") out.task = [out.task];
  return out as unknown as GroupConfig;
}

/** A task or group file, validated, includes merged. */
export function readTaskFile(file: string): TaskFile {
  const abs = resolve(file);
  const raw = readRaw(abs, []);
  const positions = new Map([...raw].map(([k, f]) => [k, f.pos]));
  if (raw.has("group")) return { kind: "group", config: validateGroup(raw, abs), file: abs, positions };
  return { kind: "task", config: validateTask(raw, abs), file: abs, positions };
}

/** A task file's config (includes merged, functions resolved); a group file is an error (use loadTask). */
export function loadTaskConfig(file: string): TaskConfig {
  const f = readTaskFile(file);
  if (f.kind === "group") throw new TaskError({ file: f.file }, `${JSON.stringify(f.config.group)} is a group of tasks, not a task`, "load it with loadTask(), which loads its subtasks");
  return f.config;
}
