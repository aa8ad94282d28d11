// Streaming reader for the clean stage's JSONL splits: one {"id","source","text"} or {"messages":[...]} per line.
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import type { ChatInput } from "./chat/render.ts";
import { TokenizerFormatError } from "./errors.ts";

export interface Doc {
  readonly id?: string;
  readonly text?: string;
  readonly messages?: readonly ChatInput[];
}

/** Yields each document with its UTF-8 line length (for progress). */
export async function* readJsonl(path: string): AsyncGenerator<{ doc: Doc; bytes: number }> {
  const rl = createInterface({ input: createReadStream(path, { encoding: "utf8" }), crlfDelay: Infinity });
  let line = 0;
  for await (const raw of rl) {
    line++;
    if (raw.trim().length === 0) continue;
    let doc: Doc;
    try {
      doc = JSON.parse(raw) as Doc;
    } catch (cause) {
      throw new TokenizerFormatError(path, `${path}:${line}:1`, raw.slice(0, 80), "each line is one JSON object", "bad JSON line", { cause });
    }
    if (typeof doc.text !== "string" && !Array.isArray(doc.messages))
      throw new TokenizerFormatError(path, `${path}:${line}:1`, raw.slice(0, 80), 'a document has "text" (string) or "messages" ([{role, content}])', "document without text");
    yield { doc, bytes: Buffer.byteLength(raw) + 1 };
  }
}

/** The plain text of a document (chat messages joined by newlines), for tokenizer training. */
export function docText(doc: Doc): string {
  if (typeof doc.text === "string") return doc.text;
  return (doc.messages ?? []).map((m) => m.content).join("\n");
}
