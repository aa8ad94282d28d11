// Readers for fine-tuning data: JSONL, one record per line, in the layout a stage expects:
//   sft:        {"messages": [{"role", "content"}, ...]}  or  {"prompt": string | messages, "completion": string}
//   preference: {"prompt": string | messages, "chosen": string, "rejected": string}
//   prompts:    {"prompt": string | messages, "answers": [string, ...]}  (rl: the answers a verifiable reward checks)
// A bad line never crashes the read: it is dropped and counted under the first rule it breaks (report.ts), with
// example lines. ChatDataError is thrown only when nothing usable is left.
import { readFile } from "node:fs/promises";
import { ChatDataError } from "../errors.ts";
import type { Tokenizer } from "../tokenizer.ts";
import { CHAT_ROLES, type ChatInput, type ChatMessage, type ChatRole, ROLE_ALIASES, chatRole, renderChat } from "./render.ts";
import type { ChatDataExample, ChatDataReport, ChatRule } from "./report.ts";

export type ChatExpect = "sft" | "preference" | "prompts";

export type ChatRecord =
  | { readonly kind: "sft"; readonly messages: readonly ChatMessage[] }
  | { readonly kind: "preference"; readonly prompt: readonly ChatMessage[]; readonly chosen: string; readonly rejected: string }
  | { readonly kind: "prompt"; readonly prompt: readonly ChatMessage[]; readonly answers: readonly string[] };

export interface ChatReadOptions {
  /** The layout the stage reads. */
  readonly expect: ChatExpect;
  /** With context: drop records whose rendering (renderChat) is longer than context tokens. A tokenizer without the chat tokens throws ChatTokenError (a setup error, not bad data). */
  readonly tokenizer?: Tokenizer;
  /** Longest rendered record kept, in tokens (a preference pair: the prompt with its longer response). */
  readonly context?: number;
  /**
   * Example lines kept per rule.
   * @default 3
   */
  readonly examples?: number;
}

const NOUN: Record<ChatExpect, string> = { sft: "sft conversations", preference: "preference pairs", prompts: "rl prompts" };

const LAYOUT: Record<ChatExpect, string> = {
  sft: '{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]} or {"prompt":"Hi","completion":"Hello!"}',
  preference: '{"prompt":"Hi","chosen":"Hello!","rejected":"Go away."}',
  prompts: '{"prompt":"What is 2+2?","answers":["4"]}',
};

const FIELDS: Record<Exclude<ChatExpect, "sft">, readonly string[]> = { preference: ["prompt", "chosen", "rejected"], prompts: ["prompt", "answers"] };

const HINT: Record<ChatRule, string> = {
  bad_json: "write one JSON object per line",
  missing_field: "use the layout this stage reads",
  unknown_role: `roles are ${CHAT_ROLES.join(", ")} (${[...ROLE_ALIASES].map(([a, r]) => `${a} is read as ${r}`).join(", ")})`,
  empty_content: "fill in or remove the empty messages",
  no_assistant: "give each conversation an assistant turn: sft learns only from the assistant's tokens",
  chosen_equals_rejected: "a preference pair needs two different responses",
  too_long: "shorten the records or raise model.context",
};

const KNOWN_ROLES = new Set<string>([...CHAT_ROLES, ...ROLE_ALIASES.keys()]);

type Obj = Record<string, unknown>;
type Drop = { readonly rule: ChatRule; readonly detail: string };
const drop = (rule: ChatRule, detail: string): Drop => ({ rule, detail });
const isDrop = (x: unknown): x is Drop => typeof x === "object" && x !== null && "rule" in x;

/** First n characters (whole code points), with "…" when cut. */
function cut(s: string, n: number): string {
  const cps = Array.from(s);
  return cps.length > n ? `${cps.slice(0, n).join("")}…` : s;
}

function describe(v: unknown): string {
  if (v === undefined) return "missing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  return typeof v === "object" ? "an object" : `a ${typeof v} (${cut(JSON.stringify(v), 40)})`;
}

/** The layout a line looks like, for a hint when it is not the one expected. */
function layoutOf(o: Obj): ChatExpect | null {
  if ("chosen" in o || "rejected" in o) return "preference";
  if ("answers" in o) return "prompts";
  if ("messages" in o || "completion" in o) return "sft";
  return null;
}

function wrongLayout(o: Obj, expect: ChatExpect): Drop {
  const missing = expect === "sft" ? '"messages" (or "prompt" and "completion")' : FIELDS[expect].filter((k) => !(k in o)).map((k) => JSON.stringify(k)).join(", ");
  const seen = layoutOf(o);
  const looks = seen && seen !== expect ? `; this line looks like ${seen} data` : `; it has ${Object.keys(o).map((k) => JSON.stringify(k)).join(", ") || "no fields"}`;
  return drop("missing_field", `no ${missing} for ${expect} data${looks}`);
}

/** Messages from a list of {role, content}, or (when a prompt) a string read as one user message. */
function turnsOf(v: unknown, field: string, prompt: boolean): { list: ChatInput[]; labels: string[] } | Drop {
  if (prompt && typeof v === "string") return { list: [{ role: "user", content: v }], labels: [field] };
  if (!Array.isArray(v)) return drop("missing_field", `"${field}" is ${describe(v)}; expected ${prompt ? "a string or " : ""}a list of {"role", "content"}`);
  const list: ChatInput[] = [], labels: string[] = [];
  for (const [k, m] of v.entries()) {
    const x = m as Obj | null;
    if (x === null || typeof x !== "object" || typeof x.role !== "string" || typeof x.content !== "string")
      return drop("missing_field", `${field}[${k}] is ${describe(m)}; expected {"role": string, "content": string}`);
    list.push({ role: x.role, content: x.content });
    labels.push(`${field}[${k}]`);
  }
  return { list, labels };
}

function stringOf(o: Obj, k: string): string | Drop {
  return typeof o[k] === "string" ? (o[k] as string) : drop("missing_field", `"${k}" is ${describe(o[k])}; expected a string`);
}

/** Longest rendering of a record in tokens (a preference pair: the prompt with its longer response). */
function renderedLength(tok: Tokenizer, r: ChatRecord): number {
  if (r.kind === "sft") return renderChat(tok, r.messages).ids.length;
  if (r.kind === "prompt") return renderChat(tok, r.prompt, { addGenerationPrompt: true }).ids.length;
  const one = (answer: string) => renderChat(tok, [...r.prompt, { role: "assistant", content: answer }]).ids.length;
  return Math.max(one(r.chosen), one(r.rejected));
}

/** One parsed line as a record, or the first rule it breaks: shape, roles, empty text, then each layout's own rules. */
function checkRecord(o: Obj, opts: ChatReadOptions): ChatRecord | Drop {
  const { expect } = opts;
  const texts: [string, string][] = []; // [label, text] of the non-message strings that must not be empty
  let turns: ReturnType<typeof turnsOf>;
  const extra: Record<string, string> = {};
  if (expect === "sft") {
    if ("messages" in o) turns = turnsOf(o.messages, "messages", false);
    else if ("prompt" in o && "completion" in o) {
      turns = turnsOf(o.prompt, "prompt", true);
      const c = stringOf(o, "completion");
      if (isDrop(c)) return c;
      if (!isDrop(turns)) turns = { list: [...turns.list, { role: "assistant", content: c }], labels: [...turns.labels, "completion"] };
    } else return wrongLayout(o, expect);
  } else {
    if (FIELDS[expect].some((k) => !(k in o))) return wrongLayout(o, expect);
    turns = turnsOf(o.prompt, "prompt", true);
    if (expect === "preference")
      for (const k of ["chosen", "rejected"]) {
        const s = stringOf(o, k);
        if (isDrop(s)) return s;
        extra[k] = s;
        texts.push([k, s]);
      }
    else {
      const a = o.answers;
      if (!Array.isArray(a) || a.some((x) => typeof x !== "string")) return drop("missing_field", `"answers" is ${describe(a)}; expected a list of strings`);
      a.forEach((x: string, k) => texts.push([`answers[${k}]`, x]));
    }
  }
  if (isDrop(turns)) return turns;

  const bad = turns.list.findIndex((m) => !KNOWN_ROLES.has(m.role));
  if (bad >= 0) return drop("unknown_role", `${turns.labels[bad]}.role is ${JSON.stringify(turns.list[bad]!.role)}; ${HINT.unknown_role}`);
  const messages: ChatMessage[] = turns.list.map((m) => ({ role: chatRole(m.role) as ChatRole, content: m.content }));

  if (messages.length === 0) return drop("empty_content", `"${expect === "sft" ? "messages" : "prompt"}" is an empty list`);
  const empty = messages.findIndex((m) => m.role !== "system" && m.content.trim() === ""); // an empty system prompt is harmless
  if (empty >= 0) return drop("empty_content", `${turns.labels[empty]}${turns.labels[empty]!.includes("[") ? ".content" : ""} is empty`);
  const emptyText = texts.find(([, s]) => s.trim() === "");
  if (emptyText) return drop("empty_content", `${emptyText[0]} is empty`);

  let record: ChatRecord;
  if (expect === "sft") {
    if (!messages.some((m) => m.role === "assistant")) return drop("no_assistant", `no assistant turn (roles: ${messages.map((m) => m.role).join(", ")})`);
    record = { kind: "sft", messages };
  } else if (expect === "preference") {
    if (extra.chosen!.trim() === extra.rejected!.trim()) return drop("chosen_equals_rejected", "chosen and rejected are the same text");
    record = { kind: "preference", prompt: messages, chosen: extra.chosen!, rejected: extra.rejected! };
  } else record = { kind: "prompt", prompt: messages, answers: texts.map(([, s]) => s) };

  if (opts.tokenizer && opts.context !== undefined) {
    const n = renderedLength(opts.tokenizer, record);
    if (n > opts.context) return drop("too_long", `renders to ${n} tokens${expect === "preference" ? " (with the longer response)" : ""}; the limit is ${opts.context}`);
  }
  return record;
}

function checkLine(raw: string, opts: ChatReadOptions): ChatRecord | Drop {
  let o: unknown;
  try {
    o = JSON.parse(raw);
  } catch {
    return drop("bad_json", "not valid JSON"); // the parser's own message differs between runtimes
  }
  if (o === null || typeof o !== "object" || Array.isArray(o)) return drop("bad_json", `${describe(o)}, not a JSON object`);
  return checkRecord(o as Obj, opts);
}

/** The error for a read that kept nothing: each rule's count with one example, and the top rule's hint. */
function nothingLeft(file: string, expect: ChatExpect, report: ChatDataReport): ChatDataError {
  const rules = (Object.entries(report.dropped) as [ChatRule, { count: number; examples: readonly ChatDataExample[] }][]).sort((a, b) => b[1].count - a[1].count);
  const layout = `${expect} lines look like ${LAYOUT[expect]}`;
  if (report.read === 0) return new ChatDataError(file, expect, report, `write one JSON object per line; ${layout}`, `no ${NOUN[expect]} in ${file}: it has no lines`);
  const parts = rules.map(([rule, r]) => `${rule} ${r.count}${r.examples[0] ? ` (e.g. ${r.examples[0].where}: ${r.examples[0].detail})` : ""}`);
  const what = `no usable ${NOUN[expect]} in ${file}: all ${report.read} lines were dropped: ${parts.join("; ")}`;
  return new ChatDataError(file, expect, report, `${HINT[rules[0]![0]]}; ${layout}`, what);
}

/**
 * Records from JSONL lines (blank lines skipped); `where` labels examples as "where:line". For tests and
 * in-memory generators; readChatData reads a file with it.
 */
export function parseChatLines(lines: Iterable<string>, where: string, opts: ChatReadOptions): { records: ChatRecord[]; report: ChatDataReport } {
  const max = opts.examples ?? 3;
  const dropped: Partial<Record<ChatRule, { count: number; examples: ChatDataExample[] }>> = {};
  const records: ChatRecord[] = [];
  let line = 0, read = 0;
  for (const raw of lines) {
    line++;
    if (raw.trim() === "") continue;
    read++;
    const r = checkLine(raw, opts);
    if (!isDrop(r)) {
      records.push(r);
      continue;
    }
    const d = (dropped[r.rule] ??= { count: 0, examples: [] });
    d.count++;
    if (d.examples.length < max) d.examples.push({ where: `${where}:${line}`, value: cut(raw.trim(), 120), detail: r.detail });
  }
  const report: ChatDataReport = { read, kept: records.length, dropped };
  if (records.length === 0) throw nothingLeft(where, opts.expect, report);
  return { records, report };
}

/** Records from a JSONL file; throws ChatDataError when it cannot be read or keeps nothing. */
export async function readChatData(path: string, opts: ChatReadOptions): Promise<{ records: ChatRecord[]; report: ChatDataReport }> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    const what = `cannot read ${NOUN[opts.expect]} from ${path}: ${(cause as Error).message}`;
    throw new ChatDataError(path, opts.expect, { read: 0, kept: 0, dropped: {} }, "check the path and that the file is readable", what, { cause });
  }
  return parseChatLines(text.replace(/^\uFEFF/, "").split("\n"), path, opts);
}
