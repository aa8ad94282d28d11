// exportContainer: the context's files, its server started from those files outside a container, and, where podman
// is installed, `podman build` of it on a locally imported stand-in for Bun's image (podman.ts), the image's config
// and files, its server run inside a build step, and `podman run` where the sandbox allows it.
// Run: bun test packages/serve/src/container
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { byteTokenizer, saveTokenizer } from "@lathe/tokenizer";
import { ContainerExportError } from "./errors.ts";
import { exportContainer } from "./export.ts";
import { removeTempDirs, tempDir, tinyStages } from "./fixture.ts";
import { copyFromImage, importBaseImage, podman, podmanMissing, podmanRunRefusal, removeImages } from "./podman.ts";
import { SERVER_JS } from "./runtime.ts";

const NAME = "Tiny Chat";
const { trainDir, tokenizerDir } = await tinyStages();
const ctx = join(tempDir(), "context");
const exported = await exportContainer({ trainDir, tokenizerDir, outDir: ctx, name: NAME });
const dockerfile = readFileSync(join(ctx, "Dockerfile"), "utf8");
const lines = dockerfile.split("\n");
const ADDON = `lathe/node_modules/webgpu/dist/linux-${process.arch}/dawn.node`;

// podman: made once here, so that the run test can be skipped with podman's own reason.
const tag = `${process.pid}-${Date.now().toString(36)}`;
const BASE = `localhost/lathe-test-base:${tag}`;
const IMAGE = `localhost/lathe-test:${tag}`;
const SMOKE = `localhost/lathe-test-smoke:${tag}`;
const noPodman = podmanMissing();
if (noPodman) console.log(`skipping the podman tests: ${noPodman}`);
else importBaseImage(BASE, tempDir(), join(ctx, ADDON));
const runRefused = noPodman ?? podmanRunRefusal(BASE);
if (runRefused && !noPodman) console.log(`skipping the podman run test: podman run is refused here: ${runRefused}`);

afterAll(() => {
  if (!noPodman) removeImages(SMOKE, IMAGE, BASE);
  removeTempDirs();
});

/** Every file under dir, relative to it. */
function walk(dir: string, rel = ""): string[] {
  return readdirSync(join(dir, rel)).flatMap((e) => (statSync(join(dir, rel, e)).isDirectory() ? walk(dir, `${rel}${e}/`) : [`${rel}${e}`]));
}

const sameBytes = (a: string, b: string) => expect(Buffer.compare(readFileSync(a), readFileSync(b))).toBe(0);

describe("exportContainer", () => {
  test("the Dockerfile builds FROM Bun's official image by default, through ARG BASE", () => {
    const arg = lines.indexOf(`ARG BASE=oven/bun:${Bun.version}`);
    expect(arg).toBeGreaterThanOrEqual(0);
    expect(lines.indexOf("FROM ${BASE}")).toBe(arg + 1);
    expect(lines.filter((l) => l.startsWith("FROM "))).toHaveLength(1);
  });

  test("the Dockerfile runs the server as a numeric non-root user it creates without a package manager", () => {
    expect(lines.filter((l) => l.startsWith("USER "))).toEqual(["USER 10001:10001"]);
    expect(dockerfile).toContain(`RUN echo "lathe:x:10001:10001:lathe:/tmp:/sbin/nologin" >> /etc/passwd && echo "lathe:x:10001:" >> /etc/group`);
  });

  test("the Dockerfile installs Mesa's Vulkan driver only when ARG MESA is 1", () => {
    expect(lines).toContain("ARG MESA=1");
    const run = dockerfile.slice(dockerfile.indexOf("ARG MESA=1"));
    expect(run).toMatch(/^ARG MESA=1\nRUN if \[ "\$MESA" = 1 \]; then \\\n/);
    expect(run.slice(0, run.indexOf("\n    fi\n"))).toContain("apt-get install -y -qq --no-install-recommends $from mesa-vulkan-drivers");
  });

  test("the MESA step is valid sh, and does nothing with MESA=0", () => {
    // No package mirror is reachable here, so MESA=1 is not built; its shell is checked the way /bin/sh reads it.
    const block = dockerfile.slice(dockerfile.indexOf("RUN if [ \"$MESA\""), dockerfile.indexOf("\n    fi\n") + 7);
    const sh = block.slice(4).replaceAll("\\\n", "");
    const parse = Bun.spawnSync(["/bin/sh", "-n", "-c", sh], { stderr: "pipe" });
    expect(parse.stderr.toString()).toBe("");
    expect(parse.exitCode).toBe(0);
    const skip = Bun.spawnSync(["/bin/sh", "-c", `set -u; ${sh}`], { env: { MESA: "0", PATH: "/nonexistent" }, stdout: "pipe", stderr: "pipe" });
    expect([skip.exitCode, skip.stdout.toString(), skip.stderr.toString()]).toEqual([0, "", ""]);
  });

  test("the Dockerfile exposes the port, checks /health and starts the server on 0.0.0.0", () => {
    expect(lines).toContain("EXPOSE 8080");
    const health = lines.find((l) => l.startsWith("HEALTHCHECK "))!;
    expect(health).toContain(`CMD ["bun","-e","fetch('http://127.0.0.1:8080/health')`);
    expect(lines).toContain(`ENTRYPOINT ["bun", "/app/${SERVER_JS}"]`);
    expect(lines).toContain(`CMD ["--host", "0.0.0.0", "--port", "8080"]`);
  });

  test("the model and tokenizer files are byte-identical to the train and tokenizer stages'", () => {
    sameBytes(join(ctx, "model.safetensors"), join(trainDir, "model.safetensors"));
    sameBytes(join(ctx, "config.json"), join(trainDir, "config.json"));
    sameBytes(join(ctx, "tokenizer.json"), join(tokenizerDir, "tokenizer.json"));
    expect(JSON.parse(readFileSync(join(ctx, "lathe-serve.json"), "utf8"))).toEqual({ model: NAME, port: 8080 });
  });

  test("files lists exactly what the context holds, with one Dawn addon, in about 21 MiB", () => {
    expect(exported.files.toSorted()).toEqual(walk(ctx).toSorted());
    expect(exported.files.slice(0, 2)).toEqual(["Dockerfile", ".dockerignore"]);
    expect(exported.files.filter((f) => f.endsWith(".node"))).toEqual([ADDON]);
    expect(exported.files).toContain(SERVER_JS);
    expect(exported.files).toContain("lathe/schemas/recipe.schema.json");
    expect(exported.files).toContain("lathe/node_modules/ajv/dist/2020.js");
    expect(exported.files.filter((f) => /\.(ts|map|md)$/.test(f) && !/^README|LICENSE/.test(basename(f)))).toEqual([]);
    expect(exported.bytes).toBe(exported.files.reduce((n, f) => n + statSync(join(ctx, f)).size, 0));
    console.log(`context: ${exported.files.length} files, ${(exported.bytes / 2 ** 20).toFixed(2)} MiB (server.js ${(statSync(join(ctx, SERVER_JS)).size / 1024).toFixed(0)} KiB)`);
    expect(exported.bytes).toBeLessThan(24 * 2 ** 20);
  });

  test("the README says how to build, run and call the server", () => {
    const readme = readFileSync(join(ctx, "README.md"), "utf8");
    for (const s of ["podman build --format docker -t tiny-chat .", "docker build -t tiny-chat .", "| `BASE` |", "| `MESA` |", "podman run --rm -p 8080:8080 tiny-chat", "curl -s localhost:8080/v1/chat/completions", `"model": "${NAME}"`])
      expect(readme).toContain(s);
  });

  test("a port and an architecture change EXPOSE, the health check, CMD, lathe-serve.json and the addon", async () => {
    const out = join(tempDir(), "arm");
    const r = await exportContainer({ trainDir, tokenizerDir, outDir: out, name: "m", port: 9090, arch: "arm64", base: "localhost/bun:test" });
    const d = readFileSync(join(out, "Dockerfile"), "utf8");
    for (const s of ["ARG BASE=localhost/bun:test\n", "\nEXPOSE 9090\n", "http://127.0.0.1:9090/health", `CMD ["--host", "0.0.0.0", "--port", "9090"]`]) expect(d).toContain(s);
    expect(d).not.toContain("8080");
    expect(r.files.filter((f) => f.endsWith(".node"))).toEqual(["lathe/node_modules/webgpu/dist/linux-arm64/dawn.node"]);
    expect(JSON.parse(readFileSync(join(out, "lathe-serve.json"), "utf8")).port).toBe(9090);
  });

  const noEot = tempDir();
  saveTokenizer(byteTokenizer([]), join(noEot, "tokenizer.json"));
  const empty = tempDir();
  test.each([
    [{ port: 0 }, "port: is not a TCP port (got 0). Hint: use an integer in 1..65535, e.g. 8080"],
    [{ port: 8080.5 }, "port: is not a TCP port (got 8080.5). Hint: use an integer in 1..65535, e.g. 8080"],
    [{ name: "" }, 'name: is empty (got ""). Hint: give the model id clients will send as `model` (the recipe\'s name)'],
    [{ arch: "ia32" }, 'arch: has no Linux WebGPU addon (got "ia32"). Hint: use "x64" (linux/amd64) or "arm64" (linux/arm64)'],
    [{ trainDir: empty }, `${join(empty, "config.json")}: is missing (got null). Hint: point trainDir at the outDir of a finished train stage`],
    [{ tokenizerDir: noEot }, `${join(noEot, "tokenizer.json")}: has no <|endoftext|> token (got null). Hint: export with the tokenizer the model was trained with`],
  ])("refuses %j before writing anything", async (bad, message) => {
    const outDir = join(tempDir(), "refused");
    const run = exportContainer({ trainDir, tokenizerDir, outDir, name: "m", ...(bad as object) });
    await expect(run).rejects.toThrow(ContainerExportError);
    await expect(run).rejects.toThrow(message);
    expect(existsSync(outDir)).toBe(false);
  });
});

/** Reads a child's stdout until `pattern` matches; the match, or an Error with what it printed. */
async function waitForLine(stream: ReadableStream<Uint8Array>, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  const reader = stream.getReader();
  const dec = new TextDecoder();
  let text = "";
  const deadline = setTimeout(() => reader.cancel(), timeoutMs);
  try {
    for (;;) {
      const m = pattern.exec(text);
      if (m) return m;
      const { value, done } = await reader.read();
      if (done) throw new Error(`no line matching ${pattern} in: ${text}`);
      text += dec.decode(value, { stream: true });
    }
  } finally {
    clearTimeout(deadline);
    reader.releaseLock();
  }
}

const chat = (url: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify({ model: NAME, messages: [{ role: "user", content: "Hello" }], max_tokens: 5, temperature: 0 }),
  });

describe("the context's server, outside a container", () => {
  test("serves /health and completions from the context's own files on 127.0.0.1, then stops on SIGTERM", async () => {
    // The context lives in a temp dir, far from the repo's node_modules: everything it loads is its own.
    const proc = Bun.spawn([process.execPath, SERVER_JS, "--host", "127.0.0.1", "--port", "0"], {
      cwd: ctx,
      env: { ...process.env, LATHE_API_KEY: "secret" },
      stdout: "pipe",
      stderr: "pipe",
    });
    try {
      const [, url] = await waitForLine(proc.stdout, /listening on (http:\/\/127\.0\.0\.1:\d+)/, 60_000);
      const health = await fetch(`${url}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: "ok", model: NAME });
      expect((await chat(url)).status).toBe(401);
      const res = await chat(url, { Authorization: "Bearer secret" });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { model: string; choices: { message: { role: string } }[]; usage: { completion_tokens: number } };
      expect(body.model).toBe(NAME);
      expect(body.choices[0].message.role).toBe("assistant");
      expect(body.usage.completion_tokens).toBeGreaterThan(0);
      const models = await fetch(`${url}/v1/models`, { headers: { Authorization: "Bearer secret" } });
      expect(((await models.json()) as { data: { id: string }[] }).data.map((m) => m.id)).toEqual([NAME]);
    } finally {
      proc.kill("SIGTERM");
    }
    expect(await proc.exited).toBe(0);
  }, 120_000);
});

describe.skipIf(noPodman !== null)("podman build of the context", () => {
  test("builds with --isolation chroot from a local base with MESA=0: user, port, health check and entrypoint", () => {
    // What a local run of the server leaves beside the bundle (@lathe/recipe's validator cache): .dockerignore'd.
    mkdirSync(join(ctx, "lathe/packages/serve/node_modules/.cache"), { recursive: true });
    writeFileSync(join(ctx, "lathe/packages/serve/node_modules/.cache/local.cjs"), "// this machine's paths\n");
    podman(["build", "--isolation", "chroot", "--format", "docker", "--layers=false", "--build-arg", `BASE=${BASE}`, "--build-arg", "MESA=0", "-t", IMAGE, "."], { cwd: ctx, timeoutMs: 600_000 });
    const [cfg] = JSON.parse(podman(["image", "inspect", IMAGE])) as { Config: Record<string, unknown>; Healthcheck?: unknown }[];
    expect(cfg.Config.User).toBe("10001:10001");
    expect(cfg.Config.ExposedPorts).toEqual({ "8080/tcp": {} });
    expect(cfg.Config.WorkingDir).toBe("/app");
    expect(cfg.Config.Entrypoint).toEqual(["bun", `/app/${SERVER_JS}`]);
    expect(cfg.Config.Cmd).toEqual(["--host", "0.0.0.0", "--port", "8080"]);
    const hc = (cfg.Config.Healthcheck ?? cfg.Healthcheck) as { Test: string[] }; // podman 4 lists it beside Config
    expect(hc.Test.slice(0, 3)).toEqual(["CMD", "bun", "-e"]);
    expect(hc.Test[3]).toContain("http://127.0.0.1:8080/health");
  }, 600_000);

  test("the image holds the model files and the runtime byte for byte, and the lathe user", () => {
    const out = tempDir();
    for (const f of ["model.safetensors", "config.json", "tokenizer.json", SERVER_JS, ADDON]) {
      const dest = join(out, f.replaceAll("/", "_"));
      copyFromImage(IMAGE, `/app/${f}`, dest);
      sameBytes(dest, join(ctx, f));
    }
    // The validator cache a local run writes beside the bundle stays out (.dockerignore).
    expect(() => copyFromImage(IMAGE, "/app/lathe/packages/serve/node_modules", join(out, "cache"))).toThrow("no such file or directory");
    copyFromImage(IMAGE, "/etc/passwd", join(out, "passwd"));
    expect(readFileSync(join(out, "passwd"), "utf8")).toContain("lathe:x:10001:10001:lathe:/tmp:/sbin/nologin\n");
  }, 300_000);

  test("the image's server answers /health and a completion inside a build step, as uid 10001", () => {
    // `podman run` may be refused (below), but RUN steps run: a derived image's RUN starts the server and calls it.
    const script = [
      `const p = Bun.spawn([process.execPath, "/app/${SERVER_JS}", "--port", "0"], { stdout: "pipe" });`,
      `let out = ""; for await (const c of p.stdout) { out += new TextDecoder().decode(c); if (/listening on/.test(out)) break; }`,
      `const url = /listening on (\\S+)/.exec(out)[1];`,
      `const health = await (await fetch(url + "/health")).json();`,
      `const body = JSON.stringify({ model: ${JSON.stringify(NAME)}, prompt: "Hello", max_tokens: 4 });`,
      `const done = await (await fetch(url + "/v1/completions", { method: "POST", headers: { "Content-Type": "application/json" }, body })).json();`,
      `console.log("SMOKE " + JSON.stringify({ uid: process.getuid(), cwd: process.cwd(), health, usage: done.usage }));`,
      `p.kill(); await p.exited;`,
    ].join("\n");
    const dir = tempDir();
    mkdirSync(join(dir, "smoke"));
    writeFileSync(join(dir, "smoke", "Containerfile"), `FROM ${IMAGE}\nRUN ${JSON.stringify(["bun", "-e", script])}\n`);
    const log = podman(["build", "--isolation", "chroot", "--layers=false", "-t", SMOKE, "."], { cwd: join(dir, "smoke"), timeoutMs: 300_000 });
    const line = /^SMOKE (.*)$/m.exec(log);
    expect(line).not.toBeNull();
    const smoke = JSON.parse(line![1]) as { uid: number; cwd: string; health: { status: string; model: string }; usage: { completion_tokens: number } };
    expect(smoke).toMatchObject({ uid: 10001, cwd: "/app", health: { status: "ok", model: NAME } });
    expect(smoke.usage.completion_tokens).toBeGreaterThan(0);
  }, 300_000);

  test.skipIf(runRefused !== null)("podman run serves /health and a chat completion on the published port", async () => {
    const port = freePort();
    const id = podman(["run", "-d", "-p", `127.0.0.1:${port}:8080`, IMAGE]).trim();
    try {
      const url = `http://127.0.0.1:${port}`;
      const t0 = Date.now();
      for (;;) {
        const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
        if (ok) break;
        if (Date.now() - t0 > 60_000) throw new Error(`no /health after 60 s: ${podman(["logs", id])}`);
        await Bun.sleep(500);
      }
      expect((await chat(url)).status).toBe(200);
    } finally {
      podman(["rm", "-f", id]);
    }
  }, 300_000);
});

/** A TCP port free right now on 127.0.0.1. */
function freePort(): number {
  const s = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = s.port;
  s.stop(true);
  return port;
}
