// ChatSession: the history is cut to the context by dropping the oldest turns (never the system prompt) with a
// notice, replies get what room is left, /reset forgets and restarts the reply seeds, /stage swaps the model under
// the conversation, and on a real tiny GPT the streamed pieces are the reply. Run: bun test packages/cli/src/chat
import { afterAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { chatTokenizer, scriptedModel, tinyModelDir, TINY_CONTEXT, type ScriptedModel } from "./fixtures.ts";
import { openChatModel } from "./model.ts";
import { ChatError, ChatSession, droppedNotice, type ChatSessionOptions, type OpenedStage } from "./session.ts";

const tok = chatTokenizer();
const text = (ids: readonly number[]) => tok.decode(ids);

/** A session over scripted models, one per stage name, each answering "ok". */
async function scripted(o: Partial<ChatSessionOptions> = {}, reply = "ok") {
  const models = new Map<string, ScriptedModel>();
  const openStage = async (name: string, current?: OpenedStage): Promise<OpenedStage> => {
    if (current?.name === name) return current;
    if (!["base", "sft"].includes(name)) throw new Error(`no ${name} stage`);
    const m = scriptedModel(tok, reply);
    models.set(name, m);
    return { name, model: m };
  };
  const session = await ChatSession.open("base", { tokenizer: tok, openStage, stages: ["base", "sft"], temperature: 0, maxTokens: 16, ...o });
  return { session, models, base: models.get("base")! };
}

describe("history truncation", () => {
  test("keeps the system prompt and drops the oldest turns, with a notice, so the prompt plus max-tokens fits", async () => {
    const { session, base } = await scripted({ system: "Be brief." });
    const notices: string[] = [];
    let i = 0;
    while (notices.length === 0 && i < 10) {
      i++;
      await session.send(`message ${i}`, undefined, { onDropped: (n) => notices.push(droppedNotice(n, session.context)) });
    }
    expect(notices).toEqual(["(dropped 1 oldest turn to fit the 64-token context)"]);
    for (const c of base.calls) expect(c.prompt.length + c.o.maxTokens).toBeLessThanOrEqual(TINY_CONTEXT);
    const last = text(base.calls.at(-1)!.prompt);
    expect(last).toContain("Be brief.");
    expect(last).not.toContain("message 1<");
    expect(last).toContain(`message ${i}`);
    expect(session.history[0]).toEqual({ role: "user", content: "message 2" });
    expect(session.history.at(-1)).toEqual({ role: "assistant", content: "ok" });
  });

  test("drops as many turns as it must, and counts them", async () => {
    const { session } = await scripted({ maxTokens: 8 });
    for (let i = 1; i <= 4; i++) await session.send(`turn ${i}`);
    const dropped: number[] = [];
    await session.send("x".repeat(45), undefined, { onDropped: (n) => dropped.push(n) });
    expect(dropped.length).toBe(1);
    expect(dropped[0]).toBeGreaterThan(1);
    expect(session.history.map((t) => t.content)).toEqual(["x".repeat(45), "ok"]);
    expect(droppedNotice(dropped[0]!, 64)).toBe(`(dropped ${dropped[0]} oldest turns to fit the 64-token context)`);
  });

  test("a reply gets only the room the message leaves when that is less than max-tokens", async () => {
    const { session, base } = await scripted({ maxTokens: 60 });
    const r = await session.send("a question of some length");
    const call = base.calls[0]!;
    expect(call.o.maxTokens).toBe(TINY_CONTEXT - call.prompt.length);
    expect(r.promptTokens + call.o.maxTokens).toBe(TINY_CONTEXT);
  });

  test("a message that leaves no room for a reply is a ChatError, and the history stays as it was", async () => {
    const { session } = await scripted({ system: "Be brief." });
    await session.send("hello");
    const before = [...session.history];
    const e = await session.send("y".repeat(TINY_CONTEXT)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ChatError);
    expect((e as ChatError).message).toMatch(/^the message and the system prompt take \d+ tokens, leaving no room for a reply in the 64-token context\. Hint: shorten the message or the system prompt \(\/system\)$/);
    expect(session.history).toEqual(before);
  });
});

describe("session commands", () => {
  test("reset forgets the conversation and reply seeds start over, so the same message gets the same prompt and seed", async () => {
    const { session, base } = await scripted({ seed: 7 });
    await session.send("hello");
    await session.send("again");
    session.reset();
    expect(session.history).toEqual([]);
    await session.send("hello");
    expect(base.calls.map((c) => c.o.seed)).toEqual([7, 8, 7]);
    expect(base.calls[2]!.prompt).toEqual(base.calls[0]!.prompt);
    expect(base.calls[1]!.prompt.length).toBeGreaterThan(base.calls[0]!.prompt.length);
  });

  test("the system prompt and the temperature apply from the next reply on", async () => {
    const { session, base } = await scripted();
    await session.send("hi");
    session.system = "You are a lathe.";
    session.temperature = 0.5;
    await session.send("hi");
    expect(text(base.calls[0]!.prompt)).not.toContain("You are a lathe.");
    expect(text(base.calls[1]!.prompt)).toContain("You are a lathe.");
    expect(base.calls.map((c) => c.o.temperature)).toEqual([0, 0.5]);
    expect(() => (session.temperature = -1)).toThrow("temperature is -1. Hint: give a number >= 0 (0 is greedy), e.g. 0.7");
  });

  test("setStage swaps the model under the conversation and closes the old one; the same stage is a no-op", async () => {
    const { session, models, base } = await scripted();
    await session.send("hello");
    await session.setStage("base");
    expect(base.closed).toBe(false);
    await session.setStage("sft");
    expect(session.stage).toBe("sft");
    expect(base.closed).toBe(true);
    await session.send("and now?");
    const sft = models.get("sft")!;
    expect(text(sft.calls[0]!.prompt)).toContain("hello");
    await expect(session.setStage("rl")).rejects.toThrow("no rl stage");
    expect(session.stage).toBe("sft");
  });

  test("stop ids are <|end|> and <|endoftext|>", async () => {
    const { session, base } = await scripted();
    await session.send("hi");
    expect([...base.calls[0]!.o.stop].sort()).toEqual([tok.specialId("<|end|>")!, tok.specialId("<|endoftext|>")!].sort());
  });
});

describe("on a tiny GPT", async () => {
  const dir = await tinyModelDir();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const eot = tok.specialId("<|endoftext|>")!;
  const open = async (name: string, current?: OpenedStage): Promise<OpenedStage> =>
    current?.name === name ? current : { name, model: await openChatModel({ trainDir: dir, eot, backend: "cpu" }) };

  test("the streamed pieces are the reply, within max-tokens, and the same conversation after reset repeats it", async () => {
    const session = await ChatSession.open("base", { tokenizer: tok, openStage: open, temperature: 0.8, maxTokens: 12, seed: 5 });
    try {
      expect(session.context).toBe(TINY_CONTEXT);
      const pieces: string[] = [];
      const r = await session.send("hello", (p) => pieces.push(p));
      expect(pieces.join("")).toBe(r.text);
      expect(r.replyTokens).toBeLessThanOrEqual(12);
      expect(["stop", "length"]).toContain(r.reason);
      expect(session.contextUsed()).toBeGreaterThan(r.promptTokens);
      session.reset();
      expect((await session.send("hello")).text).toBe(r.text);
    } finally {
      await session.close();
    }
  });

  test("an aborted signal stops the reply and keeps what was said", async () => {
    const session = await ChatSession.open("base", { tokenizer: tok, openStage: open, temperature: 1, maxTokens: 30, seed: 1 });
    try {
      const ac = new AbortController();
      let n = 0;
      const r = await session.send("hello", () => ++n === 2 && ac.abort(), { signal: ac.signal });
      expect(r.reason === "cancelled" || r.reason === "stop").toBe(true);
      expect(r.replyTokens).toBeLessThan(30);
      expect(session.history.at(-1)).toEqual({ role: "assistant", content: r.text });
    } finally {
      await session.close();
    }
  });
});
