// The server's limits and its safety under bad requests, through the real `openai` client where a client can make
// the request (raw fetch for malformed JSON and routes): API key (401), body size (413), queue (429 + Retry-After),
// timeout (504), malformed JSON (400, then the next request works), a disconnect mid-stream aborting the engine
// request, /health, and /metrics counting what happened. Each runner names its engine (server.host.test.ts,
// server.decoder.test.ts). Run: bun test packages/serve/src/server
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI, { APIError } from "openai";
import { type RunningServer, type ServerOptions, startServer } from "./server.ts";
import { type EngineKit, recordingEngine, slowEngine, type TestEngine, tinyTrainDir } from "./test-engine.ts";

/** The limits cases against the engine kit gives. */
export function limitsCases(kit: EngineKit): void {
  const MODEL = "tiny";
  const TIMEOUT = 60_000;
  let engine: TestEngine;
  let trainDir: string;
  const engines: TestEngine[] = [];
  const servers: RunningServer[] = [];

  beforeAll(async () => {
    trainDir = await tinyTrainDir();
    engine = await kit.open(trainDir);
  }, TIMEOUT);

  afterAll(async () => {
    for (const s of servers) await s.stop();
    for (const e of engines) await e.close();
    await engine?.close();
  });

  async function serve(opts: Partial<ServerOptions> = {}): Promise<{ server: RunningServer; client: OpenAI }> {
    const server = await startServer({ engine, model: MODEL, port: 0, log: () => {}, ...opts });
    servers.push(server);
    return { server, client: new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "sk-right", maxRetries: 0 }) };
  }

  const fail = (p: Promise<unknown>) => p.then(() => { throw new Error("the request succeeded"); }, (e: unknown) => e as APIError);

  /** Polls cond every 5 ms for at most ms milliseconds. */
  async function until(cond: () => boolean, ms = 5_000): Promise<void> {
    for (const t0 = Date.now(); !cond(); await Bun.sleep(5)) if (Date.now() - t0 > ms) throw new Error("timed out waiting");
  }

  describe("API key", () => {
    test("a server with a key answers 401 without it or with a wrong one, and 200 with it", async () => {
      const { server, client } = await serve({ apiKey: "sk-right" });
      const wrong = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "sk-wrong", maxRetries: 0 });
      const e = await fail(wrong.models.list());
      expect(e.status).toBe(401);
      expect(e.code).toBe("invalid_api_key");
      const none = await fetch(`${server.url}/v1/models`);
      expect(none.status).toBe(401);
      expect(((await none.json()) as { error: { code: string } }).error.code).toBe("missing_api_key");
      expect((await client.models.list()).data[0].id).toBe(MODEL);
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
    });
  });

  describe("body size", () => {
    test("a body over maxBodyBytes is answered 413 in OpenAI's error shape", async () => {
      const { client } = await serve({ maxBodyBytes: 1024 });
      const e = await fail(client.completions.create({ model: MODEL, prompt: "x".repeat(2000), max_tokens: 1 }));
      expect(e.status).toBe(413);
      expect(e.code).toBe("request_too_large");
      expect(e.message).toContain("at most 1024");
    });
  });

  describe("malformed requests", () => {
    const bodies: [string, string, string][] = [
      ["broken JSON", "{\"model\": ", "We could not parse the JSON body"],
      ["a JSON array", "[1, 2]", "The request body must be a JSON object, but got an array."],
      ["an empty body", "", "We could not parse the JSON body"],
    ];
    test.each(bodies)("%s is a 400 with the error object, and the next request still works", async (_, body, message) => {
      const { server, client } = await serve();
      const res = await fetch(`${server.url}/v1/completions`, { method: "POST", headers: { "Content-Type": "application/json" }, body });
      expect(res.status).toBe(400);
      const json = (await res.json()) as { error: Record<string, unknown> };
      expect(Object.keys(json.error).sort()).toEqual(["code", "message", "param", "type"]);
      expect(json.error.message).toContain(message);
      expect(JSON.stringify(json)).not.toContain("    at ");
      const ok = await client.completions.create({ model: MODEL, prompt: "ok", max_tokens: 1 });
      expect(ok.choices.length).toBe(1);
    });

    test("unknown routes are 404 and wrong methods 405, both as error objects", async () => {
      const { server } = await serve();
      const nf = await fetch(`${server.url}/v2/nothing`);
      expect(nf.status).toBe(404);
      expect(((await nf.json()) as { error: { message: string } }).error.message).toContain("Unknown route: GET /v2/nothing");
      const wm = await fetch(`${server.url}/v1/completions`);
      expect(wm.status).toBe(405);
      expect(wm.headers.get("allow")).toBe("POST");
    });
  });

  describe("engine failures", () => {
    test("an engine that throws gives a 500 without internals, the log gets the stack, and the server keeps serving", async () => {
      const lines: string[] = [];
      const broken = { ...engine, stats: () => engine.stats(), tokenize: (t: string) => engine.tokenize(t), detokenize: (ids: readonly number[]) => engine.detokenize(ids),
        scorePrompt: () => Promise.reject(new Error("secret internals")), submit: () => { throw new Error("secret internals"); } };
      const { client } = await serve({ engine: broken, log: (l) => lines.push(l) });
      const e = await fail(client.completions.create({ model: MODEL, prompt: "a", max_tokens: 2 }));
      expect(e.status).toBe(500);
      expect(e.message).toBe("500 The server had an error while processing your request. Retry it; the server log has the details.");
      const chunks = await client.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "a" }], max_tokens: 2, stream: true });
      const streamed = await (async () => { for await (const _ of chunks); })().then(() => null, (x: unknown) => x as APIError);
      expect(streamed).toBeInstanceOf(APIError);
      expect(streamed?.message).not.toContain("secret");
      expect(lines.length).toBe(2);
      expect(lines[0]).toContain("secret internals");
      expect((await client.completions.create({ model: MODEL, prompt: "a", max_tokens: 0 })).choices[0].text).toBe("");
    });
  });

  describe("queue and time limits", () => {
    test("concurrent requests are each answered with what they get alone", async () => {
      const { client } = await serve();
      const ask = (i: number) => client.completions.create({ model: MODEL, prompt: `p${i}`, max_tokens: 4, temperature: 0 }).then((r) => r.choices[0].text);
      const alone: string[] = [];
      for (let i = 0; i < 8; i++) alone.push(await ask(i));
      expect(await Promise.all(alone.map((_, i) => ask(i)))).toEqual(alone);
    }, TIMEOUT);

    test("with maxQueue 1 and a slow engine, a third request gets 429 with Retry-After while one runs and one waits", async () => {
      const slow = await kit.oneSlowSlot(engine, trainDir, 40);
      engines.push(slow);
      const { client } = await serve({ engine: slow, maxQueue: 1 });
      const running = client.completions.create({ model: MODEL, prompt: "a", max_tokens: 10, stream: true });
      const first = await running;
      const it = first[Symbol.asyncIterator]();
      await it.next(); // the first request holds the engine
      const waiting = client.completions.create({ model: MODEL, prompt: "b", max_tokens: 1 });
      await until(() => slow.stats().queued === 1);
      const e = await fail(client.completions.create({ model: MODEL, prompt: "c", max_tokens: 1 }));
      expect(e.status).toBe(429);
      expect(e.headers?.get("retry-after")).toBe("1");
      expect(e.code).toBe("rate_limit_exceeded");
      while (!(await it.next()).done);
      expect((await waiting).choices.length).toBe(1);
    }, TIMEOUT);

    test("a request running past requestTimeoutMs is cancelled with a 504 timeout error", async () => {
      const { client } = await serve({ engine: slowEngine(engine, 50), requestTimeoutMs: 150 });
      const e = await fail(client.completions.create({ model: MODEL, prompt: "a", max_tokens: 40 }));
      expect(e.status).toBe(504);
      expect(e.code).toBe("timeout");
      await until(() => engine.stats().running === 0);
    }, TIMEOUT);
  });

  describe("disconnects and metrics", () => {
    test("a client that stops reading a stream aborts its engine request, which frees the engine", async () => {
      const rec = recordingEngine(slowEngine(engine, 20));
      const { server, client } = await serve({ engine: rec });
      const stream = await client.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "go" }], max_tokens: 50, stream: true });
      let seen = 0;
      for await (const _ of stream) if (++seen === 3) break; // the client aborts the HTTP request
      await until(() => rec.requests[0]?.signal.aborted === true);
      await until(() => engine.stats().running === 0);
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metrics).toContain('lathe_cancelled_requests_total{reason="disconnect"} 1');
      expect(Number(/^lathe_generation_tokens_total (\d+)$/m.exec(metrics)![1])).toBeLessThan(50);
    }, TIMEOUT);

    test("/metrics counts requests by route and status, tokens, latencies and queue gauges after traffic", async () => {
      const { server, client } = await serve();
      await client.completions.create({ model: MODEL, prompt: "four", max_tokens: 3, temperature: 0 });
      await client.completions.create({ model: MODEL, prompt: "two", max_tokens: 2, temperature: 0 });
      await fail(client.completions.create({ model: MODEL, prompt: "x", temperature: 9 }));
      const text = await (await fetch(`${server.url}/metrics`)).text();
      for (const line of [
        'lathe_requests_total{route="/v1/completions",status="200"} 2',
        'lathe_requests_total{route="/v1/completions",status="400"} 1',
        "lathe_prompt_tokens_total 7",
        "lathe_generation_tokens_total 5",
        "lathe_time_to_first_token_seconds_count 2",
        "lathe_time_per_output_token_seconds_count 3",
        "# TYPE lathe_time_to_first_token_seconds histogram",
        "lathe_queue_depth 0",
        "lathe_batch_size 0",
      ])
        expect(text).toContain(line);
      const health = (await (await fetch(`${server.url}/health`)).json()) as Record<string, unknown>;
      expect(health).toEqual({ status: "ok", model: MODEL, running: 0, queued: 0, batch: 0 });
    }, TIMEOUT);
  });
}
