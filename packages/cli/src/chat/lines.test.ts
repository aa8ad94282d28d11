// Line mode end to end on a tiny GPT: piped lines in, one reply line per message out, slash commands answered on
// stderr, /reset clears the history, /quit stops reading; notices and failures go to stderr. Run: bun test packages/cli/src/chat
import { afterAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { Readable } from "node:stream";
import { chatTokenizer, scriptedModel, tinyModelDir } from "./fixtures.ts";
import { oneLine, runChatLines } from "./lines.ts";
import { openChatModel } from "./model.ts";
import { ChatSession, type ChatSessionOptions, type OpenedStage } from "./session.ts";

const tok = chatTokenizer();

async function chatLines(session: ChatSession, input: string) {
  let out = "";
  let err = "";
  const code = await runChatLines(session, { input: Readable.from([input]), out: (s) => void (out += s), err: (s) => void (err += s) });
  return { code, out, err, replies: out.split("\n").slice(0, -1) };
}

describe("line mode on a tiny GPT", async () => {
  const dir = await tinyModelDir();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const eot = tok.specialId("<|endoftext|>")!;
  const open = async (name: string, current?: OpenedStage): Promise<OpenedStage> =>
    current?.name === name ? current : { name, model: await openChatModel({ trainDir: dir, eot, backend: "cpu" }) };
  const session = (o: Partial<ChatSessionOptions> = {}) => ChatSession.open("base", { tokenizer: tok, openStage: open, temperature: 0.8, maxTokens: 10, seed: 2, ...o });

  test("prints one reply line per message; /reset clears the history so the first reply repeats; /quit stops reading", async () => {
    const s = await session();
    try {
      const r = await chatLines(s, "hello\nhow are you?\n\n/reset\nhello\n/quit\nnever read\n");
      expect(r.code).toBe(0);
      expect(r.replies).toHaveLength(3);
      for (const line of r.replies) expect(line).not.toContain("\n");
      expect(r.replies[2]).toBe(r.replies[0]!);
      expect(r.err).toBe("(history cleared)\n");
      expect(s.history.map((t) => t.role)).toEqual(["user", "assistant"]);
      expect(s.history[0]!.content).toBe("hello");
    } finally {
      await s.close();
    }
  });

  test("history carries from line to line until the input ends", async () => {
    const s = await session({ maxTokens: 6 });
    try {
      const r = await chatLines(s, "one\ntwo\nthree");
      expect(r.replies).toHaveLength(3);
      expect(s.history.filter((t) => t.role === "user").map((t) => t.content)).toEqual(["one", "two", "three"]);
    } finally {
      await s.close();
    }
  });

  test("commands answer on stderr and a bad one makes the exit code 1 without a reply line", async () => {
    const s = await session();
    try {
      const r = await chatLines(s, "/temperature 0\n/temperature\n/system Be brief.\n/stage\n/stag sft\nhi\n");
      expect(r.code).toBe(1);
      expect(r.replies).toHaveLength(1);
      expect(r.err.split("\n").slice(0, -1)).toEqual([
        "(temperature 0: greedy)",
        "(temperature is 0)",
        "(system prompt set)",
        "(chatting with base; the recipe's model stages are base)",
        'unknown command "/stag": did you mean /stage? the commands are /reset, /temperature, /stage, /system, /help, /quit (start a message with // to send a literal "/")',
      ]);
      expect(s.temperature).toBe(0);
      expect(s.system).toBe("Be brief.");
    } finally {
      await s.close();
    }
  });
});

test("line mode tells stderr when old turns were dropped, before the reply", async () => {
  const m = scriptedModel(tok, "a reply of some length");
  const s = await ChatSession.open("base", { tokenizer: tok, openStage: async (name) => ({ name, model: m }), maxTokens: 24 });
  const log: string[] = []; // consecutive writes to one stream joined
  const to = (name: string) => (x: string) => void (log.at(-1)?.startsWith(`${name}:`) ? (log[log.length - 1] += x) : log.push(`${name}:${x}`));
  await runChatLines(s, { input: Readable.from(["first question\nsecond question\n"]), out: to("out"), err: to("err") });
  expect(log).toEqual(["out:a reply of some length\n", "err:(dropped 1 oldest turn to fit the 64-token context)\n", "out:a reply of some length\n"]);
});

test("a reply's line breaks are escaped so it stays one line", () => {
  expect(oneLine("one\ntwo\r\nthree")).toBe("one\\ntwo\\r\\nthree");
});
