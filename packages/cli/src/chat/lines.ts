// Line mode of `lathe chat`, used when stdin or stdout is not a terminal, so a chat can be scripted:
//   printf 'What does lathe mean?\n/reset\nHello\n' | lathe chat recipes/brown-chat.yaml
// Each input line is a message (its reply is streamed to stdout as one line) or a slash command (its answer, like
// every notice and error, goes to stderr). Line breaks inside a reply are written as the two characters \n, so
// stdout has exactly one line per message. Blank lines are skipped; history carries from line to line.
import { createInterface } from "node:readline";
import { describeError } from "../errors.ts";
import { applyCommand } from "./apply.ts";
import { parseChatInput } from "./commands.ts";
import { ChatError, droppedNotice, type ChatSession } from "./session.ts";

export interface ChatLinesOptions {
  readonly input: NodeJS.ReadableStream;
  /** Replies. */
  readonly out: (s: string) => void;
  /** Notices, command answers, errors. */
  readonly err: (s: string) => void;
  /** Aborting it stops the reply being generated and reads no further line. */
  readonly signal?: AbortSignal;
}

/** Runs the chat until the input ends, /quit, or the signal; 1 when a line failed (its reply line is empty), else 0. */
export async function runChatLines(session: ChatSession, o: ChatLinesOptions): Promise<number> {
  const rl = createInterface({ input: o.input, crlfDelay: Infinity, terminal: false });
  const stop = () => rl.close();
  o.signal?.addEventListener("abort", stop, { once: true });
  let failed = false;
  try {
    for await (const line of rl) {
      if (o.signal?.aborted) break;
      const input = parseChatInput(line);
      if (input.kind !== "message") {
        const r = await applyCommand(session, input);
        if (r.text) o.err(`${r.text}\n`);
        failed ||= r.error === true;
        if (r.quit) break;
        continue;
      }
      if (input.text === "") continue;
      try {
        await session.send(input.text, (piece) => o.out(oneLine(piece)), { signal: o.signal, onDropped: (n) => o.err(`${droppedNotice(n, session.context)}\n`) });
      } catch (e) {
        failed = true;
        o.err(`${e instanceof ChatError ? `lathe chat: ${e.message}` : describeError(e)}\n`);
      }
      o.out("\n");
    }
  } finally {
    o.signal?.removeEventListener("abort", stop);
    rl.close();
  }
  return failed ? 1 : 0;
}

/** A piece of a reply with its line breaks escaped, so the reply stays on one line. */
export function oneLine(piece: string): string {
  return piece.replace(/\r/g, "\\r").replace(/\n/g, "\\n");
}
