// End-to-end: `lathe serve` as a user runs it — builds the fixture recipe's model into a temp cache, serves it on a
// free port of 127.0.0.1, answers /health, /v1/models and a completion over HTTP, and stops cleanly on Ctrl-C.
import { afterAll, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(import.meta.dir, "..");
const MAIN = join(ROOT, "packages/cli/src/main.ts");
const MODEL = "tests/fixtures/cli/tiny-model.yaml";
const cache = mkdtempSync(join(tmpdir(), "lathe-serve-e2e-"));
afterAll(() => rmSync(cache, { recursive: true, force: true }));
setDefaultTimeout(120_000);

test("lathe serve serves the recipe's model over an OpenAI-compatible API and stops on SIGINT", async () => {
  const p = Bun.spawn(["bun", MAIN, "serve", MODEL, "--port", "0", "--ratings", join(cache, "ratings.jsonl")], { cwd: ROOT, env: { ...process.env, LATHE_CACHE: cache, CI: "1", NO_COLOR: "1" }, stdout: "pipe", stderr: "pipe" });
  // The build view and then the serving line go to stderr; read until the URL appears.
  const reader = p.stderr.getReader();
  let err = "";
  const deadline = Date.now() + 100_000;
  while (!/serving .* at (http:\/\/127\.0\.0\.1:\d+)/.test(err) && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    err += new TextDecoder().decode(value);
  }
  const url = /serving .* at (http:\/\/127\.0\.0\.1:\d+)/.exec(err)?.[1];
  expect(url, err).toBeDefined();
  try {
    expect(await (await fetch(`${url}/health`)).json()).toMatchObject({ status: "ok" });
    const models = (await (await fetch(`${url}/v1/models`)).json()) as { data: { id: string }[] };
    expect(models.data.map((m) => m.id)).toEqual(["train"]);
    expect((await fetch(`${url}/`)).headers.get("content-type")).toContain("text/html");
    const r = await fetch(`${url}/v1/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "train", prompt: "The harbor", max_tokens: 5, temperature: 0 }) });
    expect(r.status).toBe(200);
    const body = (await r.json()) as { choices: { text: string }[]; usage: { completion_tokens: number } };
    expect(body.usage.completion_tokens).toBeGreaterThan(0);
    expect(typeof body.choices[0]!.text).toBe("string");
  } finally {
    p.kill("SIGINT");
  }
  expect([0, 130]).toContain(await p.exited);
});
