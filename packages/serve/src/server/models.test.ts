// A server of several models (startServer's `models`): GET /v1/models lists them in order, each request goes to the
// engine its `model` names (streamed or not, chat or completion), an unknown model is a 404 listing the served ones
// (after the body's own 400s), /health sums the engines, and bad `models` options are refused by name.
// Run: bun test packages/serve/src/server
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI, { APIError } from "openai";
import type { ServingEngine } from "./engine.ts";
import { ServerConfigError } from "./errors.ts";
import type { HostEngine } from "./host-engine.ts";
import { type RunningServer, startServer } from "./server.ts";
import { TINY_T, recordingEngine, tinyEngine, tinyTrainDir } from "./test-engine.ts";

const TIMEOUT = 60_000;
let base: HostEngine;
let sft: HostEngine;
let baseRec: ReturnType<typeof recordingEngine>;
let sftRec: ReturnType<typeof recordingEngine>;
let server: RunningServer;
let client: OpenAI;

beforeAll(async () => {
  [base, sft] = [await tinyEngine(await tinyTrainDir(3)), await tinyEngine(await tinyTrainDir(4))];
  [baseRec, sftRec] = [recordingEngine(base), recordingEngine(sft)];
  server = await startServer({ models: [{ id: "base", engine: baseRec }, { id: "sft", engine: sftRec, chatTemplate: (ms) => `<${ms.map((m) => m.content).join("|")}>` }], port: 0, log: () => {} });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "unused", maxRetries: 0 });
}, TIMEOUT);

afterAll(async () => {
  await server?.stop();
  await base?.close();
  await sft?.close();
});

const fail = (p: Promise<unknown>) => p.then(() => { throw new Error("the request succeeded"); }, (e: unknown) => e as APIError);

describe("several models", () => {
  test("GET /v1/models lists every model in the order given, each retrievable by id", async () => {
    const page = await client.models.list();
    expect(page.data.map((m) => m.id)).toEqual(["base", "sft"]);
    expect(page.data.map((m) => (m as unknown as { max_model_len: number }).max_model_len)).toEqual([TINY_T, TINY_T]);
    expect((await client.models.retrieve("sft")).id).toBe("sft");
  });

  test("each request goes to the engine its model names, with that model's chat template", async () => {
    const [b0, s0] = [baseRec.requests.length, sftRec.requests.length];
    const a = await client.chat.completions.create({ model: "sft", messages: [{ role: "user", content: "hi" }], max_tokens: 2 });
    expect(a.model).toBe("sft");
    expect([baseRec.requests.length - b0, sftRec.requests.length - s0]).toEqual([0, 1]);
    expect(sft.detokenize(sftRec.requests.at(-1)!.prompt)).toBe("<hi>");
    const b = await client.completions.create({ model: "base", prompt: "hi", max_tokens: 2 });
    expect(b.model).toBe("base");
    expect([baseRec.requests.length - b0, sftRec.requests.length - s0]).toEqual([1, 1]);
  }, TIMEOUT);

  test("two streams to two models run at once and each names its model", async () => {
    const run = async (model: string) => {
      const models = new Set<string>();
      let text = "";
      for await (const c of await client.chat.completions.create({ model, messages: [{ role: "user", content: "once" }], max_tokens: 5, stream: true })) {
        models.add(c.model);
        text += c.choices[0]?.delta.content ?? "";
      }
      return { models: [...models], text };
    };
    const [a, b] = await Promise.all([run("base"), run("sft")]);
    expect(a.models).toEqual(["base"]);
    expect(b.models).toEqual(["sft"]);
  }, TIMEOUT);

  test("an unknown model is a 404 that lists the served ones; a malformed body is still a 400 first", async () => {
    const e = await fail(client.chat.completions.create({ model: "gpt-4", messages: [{ role: "user", content: "hi" }] }));
    expect(e.status).toBe(404);
    expect(e.code).toBe("model_not_found");
    expect(e.message).toBe("404 The model `gpt-4` does not exist. This server serves `base`, `sft` (see GET /v1/models).");
    const bad = await fail(client.completions.create({ model: "gpt-4", prompt: "x", temperature: 9 }));
    expect(bad.status).toBe(400);
    expect(bad.param).toBe("temperature");
    const missing = await fail(client.chat.completions.create({ messages: [{ role: "user", content: "hi" }] } as never));
    expect(missing.status).toBe(400);
    expect(missing.message).toBe("400 You must provide a model parameter.");
    expect((await fetch(`${server.url}/v1/models/gpt-4`)).status).toBe(404);
  });

  test("/health names the first model, lists them all, and sums the engines' stats", async () => {
    const health = (await (await fetch(`${server.url}/health`)).json()) as Record<string, unknown>;
    expect(health).toEqual({ status: "ok", model: "base", models: ["base", "sft"], running: 0, queued: 0, batch: 0 });
  });
});

describe("the models option", () => {
  const engine = { contextLength: 8 } as ServingEngine;
  test.each([
    ["models and engine together", { models: [{ id: "a", engine }], engine, model: "a" }, "models: is given together with engine/model. Hint: give `engine` and `model` for one model, or `models` for several, not both"],
    ["no models", { models: [] }, "models: is empty. Hint: give at least one { id, engine }"],
    ["an empty id", { models: [{ id: "", engine }] }, "models[0].id: is empty. Hint: give the id clients will send as `model` (the stage or recipe name)"],
    ["a repeated id", { models: [{ id: "a", engine }, { id: "a", engine }] }, 'models[1].id: repeats "a". Hint: give each model its own id'],
    ["a model without an engine", { model: "a" }, "engine: is missing. Hint: give the ServingEngine that serves `model` (hostEngine(...))"],
  ])("%s is a ServerConfigError naming the option", async (_, opts, message) => {
    const e = await startServer({ port: 0, ...opts }).then(() => null, (x: unknown) => x);
    expect(e).toBeInstanceOf(ServerConfigError);
    expect((e as Error).message).toBe(message);
  });
});
