// JSONL → documents: the text_field of each record (dotted paths allowed), or a messages array for chat data.
import type { ChatMessage, Doc } from "../doc.ts";
import { openBytes } from "./bytes.ts";
import { decodeUtf8, splitLines } from "./lines.ts";
import { problem, type SourceStats } from "./stats.ts";
import type { ReadOptions } from "./text.ts";

export interface FieldOptions {
  readonly textField: string;
  readonly messagesField: string;
}

/** obj["a"]["b"] for "a.b"; undefined when any step is missing. */
export function getPath(obj: unknown, path: string): unknown {
  if (obj !== null && typeof obj === "object" && path in obj) return (obj as Record<string, unknown>)[path];
  let o: unknown = obj;
  for (const k of path.split(".")) {
    if (o === null || typeof o !== "object") return undefined;
    o = (o as Record<string, unknown>)[k];
  }
  return o;
}

/** A document from one parsed record, or a reason it has none. */
export function recordDoc(rec: unknown, f: FieldOptions, id: string, source: string): Doc | string {
  if (f.messagesField) {
    const m = getPath(rec, f.messagesField);
    if (!Array.isArray(m)) return `field ${f.messagesField} is not an array of messages`;
    const messages: ChatMessage[] = [];
    for (const x of m) {
      if (x === null || typeof x !== "object" || typeof x.role !== "string" || typeof x.content !== "string") return `a message in ${f.messagesField} lacks string role/content`;
      messages.push({ role: x.role, content: x.content });
    }
    return messages.length === 0 ? "empty messages" : { id, source, messages };
  }
  const t = getPath(rec, f.textField);
  if (typeof t !== "string") return t === undefined ? `no field ${f.textField}` : `field ${f.textField} is ${typeof t}, not a string`;
  return t.trim().length === 0 ? "empty text" : { id, source, text: t };
}

export async function* readJsonl(o: ReadOptions & FieldOptions, stats: SourceStats): AsyncGenerator<Doc> {
  let any = false;
  const binaryBefore = stats.binary_files;
  for await (const line of splitLines(openBytes(o.file), o.maxLineBytes, stats, o.label)) {
    const where = `${o.label}:${line.n}`;
    const s = decodeUtf8(line.bytes, o.invalidUtf8, stats, where);
    if (s === null || s.trim() === "") continue;
    any = true;
    let rec: unknown;
    try {
      rec = JSON.parse(s);
    } catch (e) {
      stats.bad_records++;
      problem(stats, `${where}: not JSON (${(e as Error).message})`);
      continue;
    }
    const d = recordDoc(rec, o, `${where}`, o.source);
    if (typeof d === "string") {
      if (d !== "empty text") {
        stats.bad_records++;
        problem(stats, `${where}: ${d}`);
      }
      continue;
    }
    yield d;
  }
  if (!any && stats.binary_files === binaryBefore) stats.empty_files++;
}
