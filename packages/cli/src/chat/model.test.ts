// The chat's model behind both model kinds: a gpt on the batched decoder and an rnn through its scorer stream the same
// way, end at a stop id without passing it on, stop at max-tokens, and end early when the signal is aborted.
// Run: bun test packages/cli/src/chat/model.test.ts
import { afterAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { chatTokenizer, tinyModelDir, TINY_CONTEXT, TINY_GPT, TINY_RNN } from "./fixtures.ts";
import { openChatModel, type ChatGenerateOptions } from "./model.ts";

const tok = chatTokenizer();
const eot = tok.specialId("<|endoftext|>")!;
const greedy: ChatGenerateOptions = { maxTokens: 8, temperature: 0, topK: 0, topP: 1, seed: 0, stop: [] };
const prompt = [...tok.encode("hello")];

describe.each([
  ["gpt", TINY_GPT],
  ["rnn", TINY_RNN],
] as const)("a tiny %s", async (_, section) => {
  const dir = await tinyModelDir(4, section);
  const model = await openChatModel({ trainDir: dir, eot, backend: "cpu" });
  afterAll(async () => {
    await model.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("streams every token it returns and stops at max-tokens", async () => {
    const seen: number[] = [];
    const g = await model.generate(prompt, greedy, (id) => seen.push(id));
    expect(model.context).toBe(TINY_CONTEXT);
    expect(g).toEqual({ tokens: seen, reason: "length" });
    expect(seen).toHaveLength(8);
  });

  test("ends at a stop id without passing it on", async () => {
    const free = await model.generate(prompt, greedy, () => {});
    const stopAt = free.tokens[3]!;
    const seen: number[] = [];
    const g = await model.generate(prompt, { ...greedy, stop: [stopAt] }, (id) => seen.push(id));
    expect(g.reason).toBe("stop");
    expect(g.tokens).toEqual(free.tokens.slice(0, free.tokens.indexOf(stopAt)));
    expect(seen).toEqual(g.tokens as number[]);
  });

  test("an aborted signal ends the reply early", async () => {
    const ac = new AbortController();
    const g = await model.generate(prompt, { ...greedy, maxTokens: 30 }, () => ac.abort(), ac.signal);
    expect(g.reason).toBe("cancelled");
    expect(g.tokens.length).toBeLessThan(30);
  });
});
