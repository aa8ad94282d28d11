// The server through the real `openai` npm client, on a tiny random-init model behind an engine (each runner names
// its own: server.host.test.ts, server.decoder.test.ts): models, completions (text, token ids, batches, stop, echo and
// logprobs as lm-evaluation-harness asks for them), chat, streamed chat, and OpenAI-shaped errors with the field named.
// Run: bun test packages/serve/src/server
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { loadScorer, type TokenScorer } from "@lathe/model";
import OpenAI, { APIError } from "openai";
import { type RunningServer, startServer } from "./server.ts";
import { type EngineKit, TINY_T, type TestEngine, tinyTrainDir } from "./test-engine.ts";

/** The OpenAI-client cases against the engine kit gives. */
export function openaiCases(kit: EngineKit): void {
  const MODEL = "tiny";
  const TIMEOUT = 60_000;
  let engine: TestEngine;
  let scorer: TokenScorer;
  let server: RunningServer;
  let client: OpenAI;

  beforeAll(async () => {
    const dir = await tinyTrainDir();
    engine = await kit.open(dir);
    scorer = await loadScorer({ trainDir: dir, backend: "cpu", eot: 256 });
    server = await startServer({ engine, model: MODEL, port: 0, log: () => {} });
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "unused", maxRetries: 0 });
  }, TIMEOUT);

  afterAll(async () => {
    await server?.stop();
    await engine?.close();
    await scorer?.close();
  });

  const bytes = (s: string) => Array.from(new TextEncoder().encode(s));

  describe("models", () => {
    test("GET /v1/models lists the served model with its context length", async () => {
      const page = await client.models.list();
      expect(page.data.map((m) => m.id)).toEqual([MODEL]);
      expect((page.data[0] as unknown as { max_model_len: number }).max_model_len).toBe(TINY_T);
      expect((await client.models.retrieve(MODEL)).id).toBe(MODEL);
    });
  });

  describe("completions", () => {
    test("a greedy completion returns max_tokens tokens, the same text twice, and counts usage", async () => {
      const ask = () => client.completions.create({ model: MODEL, prompt: "The cat", max_tokens: 6, temperature: 0 });
      const [a, b] = [await ask(), await ask()];
      expect(a.object).toBe("text_completion");
      expect(a.choices[0].text).toBe(b.choices[0].text);
      expect(a.choices[0].finish_reason).toBe("length");
      expect(a.usage).toEqual({ prompt_tokens: 7, completion_tokens: 6, total_tokens: 13 });
    }, TIMEOUT);

    test("a stop string cuts the text before its first occurrence and finishes with stop", async () => {
      const full = (await client.completions.create({ model: MODEL, prompt: "ab", max_tokens: 12, temperature: 0 })).choices[0].text;
      const stop = full.slice(3, 5);
      const cut = await client.completions.create({ model: MODEL, prompt: "ab", max_tokens: 12, temperature: 0, stop: [stop, "\u0000never"] });
      expect(cut.choices[0].text).toBe(full.slice(0, full.indexOf(stop)));
      expect(cut.choices[0].finish_reason).toBe("stop");
    }, TIMEOUT);

    test("a batch of token-id prompts with n = 2 gives one choice per prompt and sample, indexed in order", async () => {
      const r = await client.completions.create({ model: MODEL, prompt: [bytes("hi"), bytes("yo!")], n: 2, max_tokens: 3, temperature: 1, seed: 7 });
      expect(r.choices.map((c) => c.index)).toEqual([0, 1, 2, 3]);
      expect(r.usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 12 });
    }, TIMEOUT);

    test("echo with logprobs returns the prompt's own log-probabilities: null first, then the scorer's values", async () => {
      const prompt = "hello world";
      const r = await client.completions.create({ model: MODEL, prompt, max_tokens: 0, echo: true, logprobs: 2 });
      const [s] = await scorer.score([{ tokens: bytes(prompt), from: 1 }]);
      const lp = r.choices[0].logprobs!;
      expect(r.choices[0].text).toBe(prompt);
      expect(lp.tokens).toEqual(prompt.split(""));
      expect(lp.token_logprobs![0]).toBeNull();
      expect(lp.top_logprobs![0]).toBeNull();
      lp.token_logprobs!.slice(1).forEach((x, i) => expect(x).toBeCloseTo(s.logprobs[i], 6));
      expect(lp.text_offset).toEqual(prompt.split("").map((_, i) => i));
      expect(r.usage).toEqual({ prompt_tokens: prompt.length, completion_tokens: 0, total_tokens: prompt.length });
    }, TIMEOUT);

    test("lm-evaluation-harness's loglikelihood request (ids, echo, logprobs 1, max_tokens 1) parses to its scores and greedy flags", async () => {
      const ids = [bytes("one two"), bytes("three")];
      const r = await client.completions.create({ model: MODEL, prompt: ids, echo: true, logprobs: 1, max_tokens: 1, temperature: 0, seed: 1234 });
      for (const [i, choice] of r.choices.entries()) {
        const [s] = await scorer.score([{ tokens: ids[i], from: 1 }]);
        const lp = choice.logprobs!;
        expect(lp.token_logprobs!.length).toBe(ids[i].length + 1); // the prompt, then the one generated token
        // the harness: sum(token_logprobs[ctxlen:-1]) and is_greedy = every token_logprob == max(top_logprobs[i].values())
        const scored = lp.token_logprobs!.slice(1, -1) as number[];
        const greedy = scored.map((x, k) => x === Math.max(...Object.values(lp.top_logprobs![k + 1]!)));
        scored.forEach((x, k) => expect(x).toBeCloseTo(s.logprobs[k], 6));
        expect(greedy).toEqual([...s.greedy]);
      }
    }, TIMEOUT);

    test("generated tokens carry logprobs with top alternatives, and a greedy token is the most likely one", async () => {
      const r = await client.completions.create({ model: MODEL, prompt: "xyz", max_tokens: 4, temperature: 0, logprobs: 3 });
      const lp = r.choices[0].logprobs!;
      expect(lp.tokens!.length).toBe(4);
      lp.top_logprobs!.forEach((top, k) => {
        expect(Object.keys(top!).length).toBeGreaterThanOrEqual(1);
        expect(lp.token_logprobs![k]).toBe(Math.max(...Object.values(top!)));
      });
      expect(lp.text_offset![0]).toBe(0);
    }, TIMEOUT);

    test("a streamed completion with echo sends the prompt first, and its chunks add up to the whole answer", async () => {
      const body = { model: MODEL, prompt: "Once", max_tokens: 5, temperature: 0, echo: true };
      const whole = (await client.completions.create(body)).choices[0].text;
      const texts: string[] = [];
      for await (const c of await client.completions.create({ ...body, stream: true })) texts.push(c.choices[0].text);
      expect(texts[0]).toBe("Once");
      expect(texts.join("")).toBe(whole);
    }, TIMEOUT);
  });

  describe("chat", () => {
    test("a chat completion answers as the assistant with usage counting the joined messages", async () => {
      const messages = [{ role: "system" as const, content: "Be brief." }, { role: "user" as const, content: "Hi" }];
      const r = await client.chat.completions.create({ model: MODEL, messages, max_tokens: 5, temperature: 0 });
      expect(r.object).toBe("chat.completion");
      expect(r.choices[0].message.role).toBe("assistant");
      expect(typeof r.choices[0].message.content).toBe("string");
      expect(r.usage).toEqual({ prompt_tokens: "Be brief.\nHi".length, completion_tokens: 5, total_tokens: "Be brief.\nHi".length + 5 });
    }, TIMEOUT);

    test("a streamed chat arrives in chunks whose text is the whole answer's, and ends with usage after [DONE]", async () => {
      const body = { model: MODEL, messages: [{ role: "user" as const, content: "Tell me" }], max_tokens: 8, temperature: 0 };
      const whole = (await client.chat.completions.create(body)).choices[0].message.content;
      const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
      for await (const c of await client.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } })) chunks.push(c);
      expect(chunks.length).toBeGreaterThan(3);
      expect(chunks[0].choices[0].delta.role).toBe("assistant");
      expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe(whole!);
      expect(chunks.at(-2)!.choices[0].finish_reason).toBe("length");
      expect(chunks.at(-1)!.usage).toMatchObject({ completion_tokens: 8 });
    }, TIMEOUT);

    test("the raw stream is server-sent events ending with data: [DONE]", async () => {
      const res = await fetch(`${server.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ model: MODEL, messages: [{ role: "user", content: "x" }], max_tokens: 2, stream: true }),
      });
      expect(res.headers.get("content-type")).toStartWith("text/event-stream");
      const text = await res.text();
      expect(text.split("\n\n").filter(Boolean).every((e) => e.startsWith("data: "))).toBe(true);
      expect(text.endsWith("data: [DONE]\n\n")).toBe(true);
    }, TIMEOUT);

    test("chat logprobs give each token with its top alternatives", async () => {
      const r = await client.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "q" }], max_tokens: 3, temperature: 0, logprobs: true, top_logprobs: 2 });
      const content = r.choices[0].logprobs!.content!;
      expect(content.length).toBe(3);
      for (const t of content) {
        expect(t.top_logprobs.length).toBe(2);
        expect(t.logprob).toBe(t.top_logprobs[0].logprob);
      }
    }, TIMEOUT);
  });

  describe("errors", () => {
    const cases: [string, Record<string, unknown>, number, string | null, string][] = [
      ["max_tokens over the cap", { prompt: "abc", max_tokens: TINY_T + 1 }, 400, "max_tokens", `max_tokens is ${TINY_T + 1}, but this server allows at most ${TINY_T}`],
      ["prompt + max_tokens over the context", { prompt: "a".repeat(60), max_tokens: 10 }, 400, "prompt", `maximum context length is ${TINY_T} tokens, however you requested 70 tokens (60 in your prompt; 10 for the completion)`],
      ["temperature above 2", { prompt: "a", temperature: 3 }, 400, "temperature", "expected a value <= 2, but got 3"],
      ["a string max_tokens", { prompt: "a", max_tokens: "5" }, 400, "max_tokens", "expected an integer, but got a string"],
      ["an unknown field", { prompt: "a", wibble: 1 }, 400, "wibble", "Unrecognized request argument supplied: wibble"],
      ["a token id outside the vocabulary", { prompt: [1, 2, 999] }, 400, "prompt[2]", "outside this model's vocabulary (ids 0..256)"],
      ["another model", { prompt: "a", model: "gpt-4" }, 404, "model", "The model `gpt-4` does not exist"],
    ];
    test.each(cases)("%s is refused with its status and the field named, through the client's APIError", async (_, body, status, param, message) => {
      const err = await client.completions.create({ model: MODEL, ...body } as never).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(APIError);
      const e = err as APIError;
      expect(e.status).toBe(status);
      expect(e.param).toBe(param);
      expect(e.message).toContain(message);
      expect(e.type).toBe("invalid_request_error");
    });

    test("a chat message with an unknown role names messages[1].role", async () => {
      const err = (await client.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "a" }, { role: "robot", content: "b" }] } as never).catch((e: unknown) => e)) as APIError;
      expect(err.status).toBe(400);
      expect(err.param).toBe("messages[1].role");
    });
  });
}
