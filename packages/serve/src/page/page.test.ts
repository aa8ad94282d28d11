// The chat page as the server serves it: GET / and its three files with their types and the Content-Security-Policy,
// nothing that points off the server, open without the API key, and inlined by Bun.build (the container's one-file
// bundle carries the page). The browser test is tests/chat-page.test.ts. Run: bun test packages/serve/src/page
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { HostEngine } from "../server/host-engine.ts";
import { PAGE_CSP } from "../server/page.ts";
import { type RunningServer, startServer } from "../server/server.ts";
import { tinyEngine, tinyTrainDir } from "../server/test-engine.ts";

let engine: HostEngine;
let server: RunningServer;

beforeAll(async () => {
  engine = await tinyEngine(await tinyTrainDir());
  server = await startServer({ engine, model: "tiny", port: 0, apiKey: "sk-right", log: () => {} });
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await engine?.close();
});

const PAGE_FILES = readdirSync(import.meta.dir).filter((f) => /\.(html|css|js)$/.test(f));

describe("the page's files", () => {
  test("GET / is the page, with the policy that allows only this server, and open without the API key", async () => {
    const res = await fetch(`${server.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("content-security-policy")).toBe(PAGE_CSP);
    expect(await res.text()).toBe(readFileSync(join(import.meta.dir, "index.html"), "utf8"));
    expect((await fetch(`${server.url}/v1/models`)).status).toBe(401);
  });

  test.each([
    ["/page/chat.css", "chat.css", "text/css; charset=utf-8"],
    ["/page/chat.js", "chat.js", "text/javascript; charset=utf-8"],
    ["/page/chat-lib.js", "chat-lib.js", "text/javascript; charset=utf-8"],
  ])("GET %s is %s as %s", async (path, file, type) => {
    const res = await fetch(`${server.url}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(type);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await res.text()).toBe(readFileSync(join(import.meta.dir, file), "utf8"));
  });

  test("every file the page names is served, and every served file is in the package", async () => {
    const html = readFileSync(join(import.meta.dir, "index.html"), "utf8");
    const named = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!).filter((u) => !u.startsWith("data:"));
    expect(named).toEqual(["/page/chat.css", "/page/chat.js"]);
    expect(readFileSync(join(import.meta.dir, "chat.js"), "utf8")).toContain('from "./chat-lib.js"');
    expect(PAGE_FILES.sort()).toEqual(["chat-lib.js", "chat.css", "chat.js", "index.html"]);
  });

  test("no file points off the server: no http(s) URL, no protocol-relative one, no @import", () => {
    for (const f of PAGE_FILES) {
      const text = readFileSync(join(import.meta.dir, f), "utf8");
      expect({ f, url: text.match(/https?:\/\/|["'(]\/\/|@import/)?.[0] ?? null }).toEqual({ f, url: null });
    }
  });

  test("POST / is a 405 and an unknown page file a 404, in OpenAI's error shape", async () => {
    const post = await fetch(`${server.url}/`, { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET");
    const missing = await fetch(`${server.url}/page/nope.js`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });

  test("Bun.build inlines the page into one file, as the container's bundle of the server needs", async () => {
    const out = await Bun.build({ entrypoints: [join(import.meta.dir, "../server/page.ts")], target: "bun" });
    expect(out.success).toBe(true);
    expect(out.outputs.length).toBe(1);
    const js = await out.outputs[0]!.text();
    expect(js).toContain("Lathe chat");
    expect(js).toContain("blindOrder");
    expect(js).toContain("grid-template-areas");
  });
});
