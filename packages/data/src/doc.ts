// The document record that flows between data stages (docs.jsonl / train.jsonl lines).

export interface ChatMessage {
  readonly role: string;
  readonly content: string;
}

/** One document: plain text, or a chat conversation (messages). */
export interface Doc {
  readonly id: string;
  readonly source: string;
  text?: string;
  messages?: ChatMessage[];
}

/** The text a judge (filter, dedup, split) looks at: the text, or the messages joined one per line. */
export function docText(d: Doc): string {
  if (d.text !== undefined) return d.text;
  return (d.messages ?? []).map((m) => `${m.role}: ${m.content}`).join("\n");
}

/** UTF-8 byte length, used for MB/s and bytes-removed accounting. */
export function utf8Bytes(s: string): number {
  return Buffer.byteLength(s, "utf8");
}
