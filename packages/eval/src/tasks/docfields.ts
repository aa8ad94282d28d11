// doc_to_text / doc_to_target / doc_to_choice / description on one document, with the harness's rules: a column
// name gives the column; an int literal or list literal is itself; otherwise a Jinja template, whose all-digit output
// becomes an index when the task has choices, and whose "[…]" output for doc_to_target a list. Errors name the
// task file, the row and the field.
import { TaskError } from "./errors.ts";
import { MissingVariableError, template } from "./template.ts";
import type { Doc, LoadedTask, TaskConfig } from "./types.ts";
import type { Pos } from "./config.ts";

export type Target = string | number | readonly (string | number)[];

/** Where a task's fields and documents came from, for located errors (set by load.ts). */
export interface TaskOrigin {
  readonly positions?: ReadonlyMap<string, Pos>;
  /** Data file label of each loaded split. */
  readonly splitFiles?: Readonly<Record<string, string>>;
  readonly evalSplit?: string;
}
const origins = new WeakMap<TaskConfig, TaskOrigin>();
export function setOrigin(config: TaskConfig, o: TaskOrigin): void {
  origins.set(config, o);
}
export function originOf(config: TaskConfig): TaskOrigin {
  return origins.get(config) ?? {};
}

/** Which documents a field is evaluated on, for messages. */
export interface DocRef {
  readonly task: LoadedTask;
  /** Index in task.docs, or in task.fewshotDocs when fewshot. */
  readonly row: number;
  readonly fewshot?: boolean;
}

function fail(ref: DocRef, field: string, detail: string, hint: string, cause?: unknown): TaskError {
  const o = originOf(ref.task.config);
  const p = o.positions?.get(field);
  const split = ref.fewshot ? "few-shot split" : `split ${o.evalSplit ?? "eval"}`;
  const data = !ref.fewshot && o.evalSplit && o.splitFiles?.[o.evalSplit] ? ` of ${o.splitFiles[o.evalSplit]}` : "";
  return new TaskError({ file: p ? `${p.file}:${p.line}:${p.col}` : ref.task.source, row: ref.row, field }, `${detail} (${split}${data})`, hint, cause ? { cause } : undefined);
}

function apply(ref: DocRef, field: string, src: string, doc: Doc, as: "render" | "value"): unknown {
  try {
    const t = template(src);
    return as === "render" ? t.render(doc) : t.value(doc);
  } catch (e) {
    if (e instanceof MissingVariableError) {
      throw fail(ref, field, `template ${JSON.stringify(src)} uses ${JSON.stringify(e.variable)}, which is not a column of the document (columns: ${Object.keys(doc).join(", ")})`, "point data_files at files with the dataset's own column names, or fix the template", e);
    }
    throw fail(ref, field, `template ${JSON.stringify(src)} failed: ${(e as Error).message}`, "check the template against the document's columns and types", e);
  }
}

const isDigits = (s: string) => /^\d+$/.test(s);

export function docToText(ref: DocRef, doc: Doc): string {
  const c = ref.task.config;
  const src = c.doc_to_text as unknown;
  let v: unknown;
  if (typeof src === "number") v = src;
  else if (typeof src === "string" && src in doc) v = doc[src];
  else v = apply(ref, "doc_to_text", String(src), doc, "render");
  if (typeof v === "string" && isDigits(v) && c.doc_to_choice != null) v = Number(v);
  if (typeof v !== "string") throw fail(ref, "doc_to_text", `gave ${JSON.stringify(v)}, not a string`, "multiple-input tasks (doc_to_text giving a choice index, as winogrande) are outside Lathe's subset; make doc_to_text yield the prompt text");
  return v;
}

export function docToTarget(ref: DocRef, doc: Doc): Target {
  const c = ref.task.config;
  const src = c.doc_to_target as unknown;
  if (typeof src === "number") return src;
  if (Array.isArray(src)) return src as Target;
  if (typeof src === "string" && src in doc) {
    const v = doc[src];
    if (typeof v === "string" || typeof v === "number" || Array.isArray(v)) return v as Target;
    throw fail(ref, "doc_to_target", `column ${JSON.stringify(src)} holds ${JSON.stringify(v)}`, "doc_to_target must give a string, an index or a list");
  }
  const s = apply(ref, "doc_to_target", String(src), doc, "render") as string;
  if (isDigits(s) && c.doc_to_choice != null) return Number(s);
  if (s.length >= 2 && s.startsWith("[") && s.endsWith("]")) {
    const list = parseListLiteral(s);
    if (list) return list;
  }
  return s;
}

export function docToChoice(ref: DocRef, doc: Doc): string[] {
  const src = ref.task.config.doc_to_choice as unknown;
  let v: unknown;
  if (Array.isArray(src)) v = src;
  else if (typeof src === "string" && src in doc) v = doc[src];
  else if (typeof src === "string") {
    v = apply(ref, "doc_to_choice", src, doc, "value");
    if (typeof v === "string") v = parseListLiteral(v) ?? v;
  } else throw fail(ref, "doc_to_choice", "is not set", "multiple_choice tasks need doc_to_choice");
  if (!Array.isArray(v) || v.length === 0) throw fail(ref, "doc_to_choice", `gave ${JSON.stringify(v)}, not a non-empty list`, "doc_to_choice must yield the list of answer strings");
  return v.map(String);
}

/** description: a column, or a template over the document ("" when unset). */
export function docDescription(ref: DocRef, doc: Doc): string {
  const src = ref.task.config.description;
  if (!src) return "";
  if (src in doc) return String(doc[src]);
  return apply(ref, "description", src, doc, "render") as string;
}

/** A rendered list: JSON, or a Python literal with single-quoted strings. */
export function parseListLiteral(s: string): (string | number)[] | null {
  try {
    const v = JSON.parse(s);
    if (Array.isArray(v)) return v;
  } catch {}
  const items: (string | number)[] = [];
  const re = /\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|(-?\d+(?:\.\d+)?))\s*(,|$)/y;
  const body = s.trim().slice(1, -1);
  if (body.trim() === "") return [];
  re.lastIndex = 0;
  while (re.lastIndex < body.length) {
    const m = re.exec(body);
    if (!m) return null;
    if (m[3] !== undefined) items.push(Number(m[3]));
    else items.push((m[1] ?? m[2]!).replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c === "t" ? "\t" : c)));
    if (m[4] === "") break;
  }
  return items;
}
