// POST /v1/ratings, the chat page's blind votes: a good vote is appended to the ratings file in `lathe rate`'s format
// (read back by @lathe/eval, counted by summarizeRatings as `lathe eval` does), bad votes are 400s that name the
// field and leave the file alone, a server without a ratings file answers 404, and the server keeps serving.
// Run: bun test packages/serve/src/server
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readRatings, summarizeRatings } from "@lathe/eval";
import type { HostEngine } from "./host-engine.ts";
import { type RunningServer, type ServerOptions, startServer } from "./server.ts";
import { tinyEngine, tinyTrainDir } from "./test-engine.ts";

const TIMEOUT = 60_000;
let engine: HostEngine;
let dir: string;
const servers: RunningServer[] = [];

beforeAll(async () => {
  engine = await tinyEngine(await tinyTrainDir());
  dir = mkdtempSync(join(tmpdir(), "lathe-ratings-"));
}, TIMEOUT);

afterAll(async () => {
  for (const s of servers) await s.stop();
  await engine?.close();
});

/** A server of two models ("base", "sft": the same tiny engine) with the given options. */
async function serve(opts: Partial<ServerOptions> = {}): Promise<RunningServer> {
  const server = await startServer({ models: [{ id: "base", engine }, { id: "sft", engine }], port: 0, log: () => {}, ...opts });
  servers.push(server);
  return server;
}

const post = (server: RunningServer, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.url}/v1/ratings`, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });

type ErrorBody = { error: { message: string; type: string; param: string | null; code: string | null } };

const VOTE = { prompt: "Once upon a time", systems: ["sft", "base"], outputs: ["there was a cat", "xq!!"], winner: "sft" };

describe("a good vote", () => {
  test("is appended as one pairwise rating in lathe rate's format, stamped by the server, and answered", async () => {
    const file = join(dir, "good", "ratings.jsonl");
    const server = await serve({ ratingsFile: file });
    const before = Date.now();
    const res = await post(server, VOTE);
    expect(res.status).toBe(200);
    const answer = (await res.json()) as Record<string, unknown>;
    const lines = readFileSync(file, "utf8").split("\n");
    expect(lines.length).toBe(2);
    expect(lines[1]).toBe("");
    const stored = JSON.parse(lines[0]!);
    expect(Object.keys(stored)).toEqual(["at", "prompt", "systems", "outputs", "winner"]);
    expect(stored).toEqual({ at: expect.any(String), ...VOTE });
    expect(Date.parse(stored.at)).toBeGreaterThanOrEqual(before - 1000);
    expect(answer).toEqual({ object: "rating", ...stored });
    expect(await readRatings(file)).toEqual([stored]);
  });

  test("votes arriving together are each written whole, and lathe eval's summary counts them as win rates", async () => {
    const file = join(dir, "many.jsonl");
    const server = await serve({ ratingsFile: file });
    const votes = [
      { ...VOTE, winner: "sft" },
      { ...VOTE, systems: ["base", "sft"], outputs: ["xq!!", "there was a cat"], winner: "sft" },
      { ...VOTE, winner: "tie" },
      { ...VOTE, winner: "base" },
    ];
    const answers = await Promise.all(votes.map((v) => post(server, v)));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const ratings = await readRatings(file);
    expect(ratings.length).toBe(4);
    const summary = summarizeRatings(ratings, { order: ["base", "sft"] });
    expect(summary.pairs.length).toBe(1);
    expect(summary.pairs[0]).toMatchObject({ a: "base", b: "sft", wins: 1, losses: 2, ties: 1, n: 4 });
  });
});

describe("a bad vote", () => {
  test.each([
    ["a body that is not JSON", "{nope", null, "invalid_json"],
    ["a body that is not an object", [VOTE], null, null],
    ["an unknown field", { ...VOTE, at: "2025-01-01T00:00:00Z" }, "at", "unknown_parameter"],
    ["a missing winner", { prompt: "p", systems: ["sft", "base"], outputs: ["a", "b"] }, "winner", null],
    ["a prompt that is not a string", { ...VOTE, prompt: 3 }, "prompt", "invalid_type"],
    ["one system", { ...VOTE, systems: ["sft"] }, "systems", "invalid_type"],
    ["outputs that are not two strings", { ...VOTE, outputs: ["a", 2] }, "outputs", "invalid_type"],
    ["a model the server does not serve", { ...VOTE, systems: ["sft", "gpt-4"] }, "systems[1]", "model_not_found"],
    ["the same model twice", { ...VOTE, systems: ["sft", "sft"] }, "systems", "invalid_value"],
    ["a winner that is neither model nor tie", { ...VOTE, winner: "A" }, "winner", "invalid_value"],
  ])("%s is refused with a 400 naming the field, and nothing is written", async (_, body, param, code) => {
    const file = join(dir, "bad.jsonl");
    const server = await serve({ ratingsFile: file });
    const res = await post(server, body);
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as ErrorBody;
    expect(error.type).toBe("invalid_request_error");
    expect(error.param).toBe(param);
    expect(error.code).toBe(code);
    expect(existsSync(file)).toBe(false);
  });

  test("the message says what is wrong and what would be right", async () => {
    const server = await serve({ ratingsFile: join(dir, "msg.jsonl") });
    const e = ((await (await post(server, { ...VOTE, winner: "A" })).json()) as ErrorBody).error;
    expect(e.message).toBe(`Invalid 'winner': expected "sft", "base" or "tie", but got "A".`);
    const m = ((await (await post(server, { ...VOTE, systems: ["sft", "gpt-4"] })).json()) as ErrorBody).error;
    expect(m.message).toBe("The model `gpt-4` is not served here, so it cannot be rated. Served: `base`, `sft`.");
  });

  test("after bad votes the server still answers chat, health and a good vote", async () => {
    const file = join(dir, "after.jsonl");
    const server = await serve({ ratingsFile: file });
    for (const body of ["{", "null", JSON.stringify({ ...VOTE, winner: 7 })]) expect((await post(server, body)).status).toBe(400);
    const chat = await fetch(`${server.url}/v1/chat/completions`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ model: "sft", messages: [{ role: "user", content: "hi" }], max_tokens: 3 }) });
    expect(chat.status).toBe(200);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    expect((await post(server, VOTE)).status).toBe(200);
    expect((await readRatings(file)).length).toBe(1);
  }, TIMEOUT);
});

describe("the route", () => {
  test("without a ratings file, votes are answered 404 ratings_disabled with the fix", async () => {
    const server = await serve();
    const res = await post(server, VOTE);
    expect(res.status).toBe(404);
    const { error } = (await res.json()) as ErrorBody;
    expect(error).toEqual({
      message: "This server keeps no ratings file, so it cannot record votes. Start it with one: lathe serve --ratings FILE (startServer's ratingsFile).",
      type: "not_found_error",
      param: null,
      code: "ratings_disabled",
    });
  });

  test("GET is answered 405 with Allow: POST", async () => {
    const server = await serve({ ratingsFile: join(dir, "get.jsonl") });
    const res = await fetch(`${server.url}/v1/ratings`);
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
  });

  test("with an API key, a vote needs it", async () => {
    const file = join(dir, "key.jsonl");
    const server = await serve({ ratingsFile: file, apiKey: "sk-right" });
    expect((await post(server, VOTE)).status).toBe(401);
    expect((await post(server, VOTE, { Authorization: "Bearer sk-right" })).status).toBe(200);
    expect((await readRatings(file)).length).toBe(1);
  });
});
