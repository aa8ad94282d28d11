// The chat page's DOM-free logic (chat-lib.js) under Bun: the seeded blind order, SSE splitting, streamChat against a
// real server on the tiny model (deltas arrive one by one, errors carry the server's message, Stop aborts), and the
// vote and message bodies. Run: bun test packages/serve/src/page
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { HostEngine } from "../server/host-engine.ts";
import { type RunningServer, startServer } from "../server/server.ts";
import { slowEngine, tinyEngine, tinyTrainDir } from "../server/test-engine.ts";

interface Round {
  prompt: string;
  systems: [string, string];
  outputs: [string, string];
}
interface StreamArgs {
  url: string;
  apiKey?: string;
  body: Record<string, unknown>;
  signal?: AbortSignal;
  onDelta(d: string): void;
}
interface ChatLib {
  mulberry32(seed: number): () => number;
  blindOrder(seed: number, round: number): [number, number];
  randomSeed(): number;
  chatMessages(system: string, history: { role: string; content: string }[], prompt: string): { role: string; content: string }[];
  voteBody(round: Round, choice: "A" | "B" | "tie"): { prompt: string; systems: string[]; outputs: string[]; winner: string };
  splitSse(buffer: string): { events: string[]; rest: string };
  streamChat(args: StreamArgs): Promise<{ text: string; finishReason: string | null }>;
}

// A path, not a literal specifier: TypeScript types the page's .js files as text (page/assets.d.ts).
const lib = (await import(join(import.meta.dir, "chat-lib.js"))) as ChatLib;
const TIMEOUT = 60_000;
let engine: HostEngine;
let server: RunningServer;

beforeAll(async () => {
  engine = await tinyEngine(await tinyTrainDir());
  server = await startServer({ engine: slowEngine(engine, 5), model: "tiny", port: 0, log: () => {} });
}, TIMEOUT);

afterAll(async () => {
  await server?.stop();
  await engine?.close();
});

describe("blindOrder", () => {
  test("the same seed and round give the same order, and over many rounds both orders come about equally", () => {
    const orders = Array.from({ length: 400 }, (_, r) => lib.blindOrder(12345, r));
    expect(orders).toEqual(Array.from({ length: 400 }, (_, r) => lib.blindOrder(12345, r)));
    for (const o of orders) expect([[0, 1], [1, 0]]).toContainEqual(o);
    const swapped = orders.filter((o) => o[0] === 1).length;
    expect(swapped).toBeGreaterThan(160);
    expect(swapped).toBeLessThan(240);
  });

  test("another seed gives another sequence", () => {
    const seq = (seed: number) => Array.from({ length: 32 }, (_, r) => lib.blindOrder(seed, r)[0]).join("");
    expect(seq(1)).not.toBe(seq(2));
  });

  test("randomSeed is a non-negative 31-bit integer", () => {
    const s = lib.randomSeed();
    expect(Number.isInteger(s) && s >= 0 && s < 2 ** 31).toBe(true);
  });
});

describe("splitSse", () => {
  test("complete events come out and a cut one is kept for the next chunk", () => {
    expect(lib.splitSse('data: {"a":1}\n\ndata: [DONE]\n\ndata: {"b"')).toEqual({ events: ['{"a":1}', "[DONE]"], rest: 'data: {"b"' });
    expect(lib.splitSse("")).toEqual({ events: [], rest: "" });
  });

  test("CRLF endings, data without a space, several data lines and comments are read as SSE says", () => {
    expect(lib.splitSse(": ping\r\n\r\ndata:x\r\ndata: y\r\n\r\n")).toEqual({ events: ["x\ny"], rest: "" });
  });
});

describe("streamChat", () => {
  const url = () => `${server.url}/v1/chat/completions`;

  test("calls onDelta once per piece as the reply streams, and returns the whole text", async () => {
    const deltas: string[] = [];
    const r = await lib.streamChat({ url: url(), body: { model: "tiny", messages: [{ role: "user", content: "hello" }], max_tokens: 12, temperature: 0 }, onDelta: (d) => void deltas.push(d) });
    expect(deltas.length).toBeGreaterThan(3);
    expect(r.text).toBe(deltas.join(""));
    expect(r.finishReason).toBe("length");
    const whole = (await (await fetch(url(), { method: "POST", body: JSON.stringify({ model: "tiny", messages: [{ role: "user", content: "hello" }], max_tokens: 12, temperature: 0 }) })).json()) as { choices: { message: { content: string } }[] };
    expect(r.text).toBe(whole.choices[0]!.message.content);
  }, TIMEOUT);

  test("an error answer rejects with the server's message, status and code", async () => {
    const e = (await lib.streamChat({ url: url(), body: { model: "nope", messages: [{ role: "user", content: "x" }] }, onDelta: () => {} }).catch((x: unknown) => x)) as Error & { status: number; code: string };
    expect(e.name).toBe("ServerError");
    expect(e.message).toBe("The model `nope` does not exist. This server serves `tiny` (see GET /v1/models).");
    expect([e.status, e.code]).toEqual([404, "model_not_found"]);
  });

  test("aborting the signal stops the stream with an AbortError", async () => {
    const ctrl = new AbortController();
    let n = 0;
    const p = lib.streamChat({ url: url(), body: { model: "tiny", messages: [{ role: "user", content: "x" }], max_tokens: 40 }, signal: ctrl.signal, onDelta: () => void (++n === 2 && ctrl.abort()) });
    const e = (await p.catch((x: unknown) => x)) as Error;
    expect(e.name).toBe("AbortError");
    expect(n).toBeLessThan(40);
  }, TIMEOUT);
});

describe("bodies", () => {
  test("chatMessages puts a non-blank system prompt first, then the history, then the prompt", () => {
    const history = [{ role: "user", content: "a" }, { role: "assistant", content: "b" }];
    expect(lib.chatMessages("  ", history, "c")).toEqual([...history, { role: "user", content: "c" }]);
    expect(lib.chatMessages("be brief", [], "c")).toEqual([{ role: "system", content: "be brief" }, { role: "user", content: "c" }]);
  });

  test.each([
    ["A", "sft"],
    ["B", "base"],
    ["tie", "tie"],
  ] as const)("a vote for %s names %s the winner, with systems and outputs in the order shown", (choice, winner) => {
    const round: Round = { prompt: "p", systems: ["sft", "base"], outputs: ["one", "two"] };
    expect(lib.voteBody(round, choice)).toEqual({ prompt: "p", systems: ["sft", "base"], outputs: ["one", "two"], winner });
  });
});
