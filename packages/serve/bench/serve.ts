// Serving throughput: bun run bench serve [--train <dir> --tokenizer <dir>] [--backend auto|webgpu|cpu] [--rounds 3]
// [--budget-s 600] [--llama-threads 1], or the load mode: bun run bench serve --load N --concurrency C [--gc: the
// server collects garbage every second, so its RSS is live memory]. Prints one JSON object.
// The server (startServer on the decoder engine) runs in a child process on 127.0.0.1, so its memory (VmRSS) is its
// own. Default mode: single-stream decode tokens/s and time to first token (streamed completions, max_tokens 48,
// greedy), aggregate tokens/s at concurrency 1, 4 and 16 (median and spread over rounds), and the anchor: the SAME
// model exported to GGUF (f32) decoded by node-llama-cpp (CPU) in this process on the same prompt ids, rounds
// alternating with Lathe's so machine drift hits both; ratios are Lathe / llama.cpp. llama.cpp gets one thread unless
// told otherwise: on a small shared machine its spinning thread barriers collapse under load (2 threads on a busy
// 2-core box measured 16-44 tokens/s against 400-500 with one). Load mode: N chat requests
// (max_tokens 32) at concurrency C through the `openai` client: errors, p50/p99 latency, aggregate tokens/s against
// a single stream, server RSS before and after, and a /metrics snapshot. Every phase is bounded in count and by
// --budget-s. The model: --train/--tokenizer, else the default recipe's cached train + tokenizer stages, else a
// random-init GPT of the default recipe's shape (L4 C128 H4 T64) over the cached (or a freshly trained) byte-level
// BPE tokenizer, vocab 2048 (the JSON's `model` says which).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { plan, type StageDef } from "@lathe/engine";
import { getDevice } from "@lathe/gpu";
import { buildModel, resolveModelConfig, type TensorMap, writeSafetensors } from "@lathe/model";
import { BpeTokenizer, DEFAULT_SPECIALS, loadTokenizer, saveTokenizer, SPLIT_PRESETS, type Tokenizer, trainBpe } from "@lathe/tokenizer";
import OpenAI from "openai";
import { decoderEngine, exportGguf, startServer } from "../src/index.ts";

const ROOT = resolve(import.meta.dir, "../../..");
const args = process.argv.slice(2);
const arg = (k: string): string | undefined => {
  const i = args.indexOf(`--${k}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const backend = (arg("backend") ?? "auto") as "auto" | "webgpu" | "cpu";
const MODEL = "bench";

// ---- the server process -------------------------------------------------------------------------------------------

/** Serves --train with --tokenizer on a free port; prints {url, ...} as its first stdout line; exits when stdin closes. */
async function child(): Promise<void> {
  const tokenizer = loadTokenizer(join(arg("tokenizer")!, "tokenizer.json"));
  const engine = await decoderEngine({ trainDir: arg("train")!, tokenizer, backend, maxSequences: Number(arg("max-sequences") ?? 16) });
  const server = await startServer({ engine, model: MODEL, port: 0, maxQueue: 1024, log: (l) => console.error(l) });
  const engineKind = "backend" in engine ? `decoder (${engine.backend})` : "host";
  console.log(JSON.stringify({ url: server.url, engine: engineKind, context: engine.contextLength }));
  // --gc: a full collection every second, so the RSS the parent samples is live memory rather than garbage not yet
  // collected (the question "does the server leak" needs that; a production server never does this).
  if (process.argv.includes("--gc")) setInterval(() => Bun.gc(true), 1000);
  for await (const _ of process.stdin as unknown as AsyncIterable<Uint8Array>); // the parent closes stdin (or dies)
  await server.stop();
  await engine.close();
  process.exit(0);
}

interface ServerProc {
  readonly url: string;
  readonly engine: string;
  readonly context: number;
  readonly pid: number;
  stop(): Promise<void>;
}

async function spawnServer(train: string, tokenizer: string): Promise<ServerProc> {
  const proc = Bun.spawn([process.execPath, import.meta.path, "--child", "--train", train, "--tokenizer", tokenizer, "--backend", backend, ...(args.includes("--gc") ? ["--gc"] : [])], { stdin: "pipe", stdout: "pipe", stderr: "inherit" });
  const reader = proc.stdout.getReader();
  let text = "";
  const deadline = Date.now() + 120_000;
  while (!text.includes("\n")) {
    const { value, done } = await Promise.race([reader.read(), Bun.sleep(Math.max(0, deadline - Date.now())).then(() => ({ value: undefined, done: true }))]);
    if (done) {
      proc.kill();
      throw new Error(`bench serve: the server process ended or took over 120 s before it printed its url (exit ${proc.exitCode}); its stderr is above`);
    }
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  const info = JSON.parse(text.slice(0, text.indexOf("\n"))) as { url: string; engine: string; context: number };
  return {
    ...info,
    pid: proc.pid,
    async stop() {
      proc.stdin.end();
      const ended = await Promise.race([proc.exited.then(() => true), Bun.sleep(10_000).then(() => false)]);
      if (!ended) proc.kill();
    },
  };
}

/** VmRSS and VmHWM (peak) of a process, in MiB. */
function memory(pid: number): { rss_mib: number; peak_rss_mib: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
  return { rss_mib: round(kb("VmRSS") / 1024), peak_rss_mib: round(kb("VmHWM") / 1024) };
}

// ---- the model ----------------------------------------------------------------------------------------------------

const TEXT = `The river rose slowly through the night, and by morning the lower fields were under water. Farmers moved
their cattle to the ridge above the mill, where the ground stayed dry even in the worst years. The miller had kept a
record of every flood since his grandfather built the wheel, and he told anyone who would listen that this one was not
yet the highest. In the town the school was closed and the church opened its hall to families from the valley.`;

const PROMPTS = [
  "The river rose slowly through the night",
  "In the town the school was closed",
  "She opened the letter and read",
  "The committee met again on Tuesday",
  "He walked along the old stone bridge",
  "When the rain finally stopped, the sky",
  "The miller had kept a record of",
  "Children ran along the embankment to",
];

/** The part of @lathe/cli's exports used here (typed locally: serve does not depend on the CLI as a package). */
interface CliPlanner {
  loadPlanned(
    ws: { root: string; cacheDir: string },
    file: string,
    opts: { untilProducer: string; command: string },
  ): Promise<{ shown: string; contexts: readonly { id(name: string): string }[]; kinds: readonly { name: string }[]; graph: readonly StageDef[] }>;
  latestProducer(kinds: readonly { name: string }[], artifact: string): { name: string } | undefined;
}

/** The default recipe's cached train and tokenizer outDirs (either may be missing), and a note on what is missing. */
async function cachedStages(): Promise<{ train?: string; tokenizer?: string; note: string }> {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { lathe?: { default?: string } };
  const file = pkg.lathe?.default ? resolve(ROOT, pkg.lathe.default) : undefined;
  if (!file || !existsSync(file)) return { note: "no default recipe in package.json lathe.default" };
  const cacheDir = process.env.LATHE_CACHE ? resolve(process.env.LATHE_CACHE) : join(ROOT, "cache");
  const cli = (await import(join(ROOT, "packages/cli/src/index.ts"))) as CliPlanner; // the CLI owns the planner
  const recipe = await cli.loadPlanned({ root: ROOT, cacheDir }, file, { untilProducer: "model", command: "bench" });
  const ctx = recipe.contexts[0];
  const model = cli.latestProducer(recipe.kinds, "model");
  const tok = cli.latestProducer(recipe.kinds, "tokenizer");
  if (!model || !tok) return { note: `${recipe.shown} plans no model` };
  const dirs = new Map((await plan(recipe.graph, { cacheDir, root: ROOT })).flatMap((p) => (p.outDir ? [[p.id, p.outDir] as const] : [])));
  const train = dirs.get(ctx.id(model.name));
  const tokenizer = dirs.get(ctx.id(tok.name));
  const note = train && tokenizer ? "" : `${recipe.shown}'s ${!train ? model.name : tok.name} stage is not cached in ${cacheDir} (bun run build)`;
  return { ...(train ? { train } : {}), ...(tokenizer ? { tokenizer } : {}), note };
}

/** A GPT of the default recipe's shape with random weights, over tokDir's tokenizer; its train outDir. */
async function randomModel(tmp: string, vocab: number): Promise<string> {
  const cfg = resolveModelConfig({ kind: "gpt", n_layer: 4, n_head: 4, d_model: 128, context: 64 }, vocab);
  const model = buildModel(await getDevice({ backend: "cpu" }), cfg, 1);
  const tensors: TensorMap = new Map();
  for (const p of model.params.list) tensors.set(p.name, { data: (await p.tensor.read()) as Float32Array, shape: p.shape });
  const dir = join(tmp, "train");
  mkdirSync(dir);
  writeFileSync(join(dir, "config.json"), JSON.stringify(cfg));
  writeSafetensors(join(dir, "model.safetensors"), tensors);
  return dir;
}

async function source(tmp: string): Promise<{ train: string; tokenizer: string; model: string }> {
  const train = arg("train");
  if (train) return { train, tokenizer: arg("tokenizer") ?? train, model: train };
  const found = await cachedStages().catch((e: unknown) => ({ note: `finding cached stages failed: ${(e as Error).message}` }) as { train?: string; tokenizer?: string; note: string });
  if (found.train && found.tokenizer) return { train: found.train, tokenizer: found.tokenizer, model: `cached ${found.train}` };
  let tokenizer = found.tokenizer;
  if (!tokenizer) {
    tokenizer = join(tmp, "tokenizer");
    mkdirSync(tokenizer);
    const { spec } = trainBpe([TEXT.repeat(8), ...PROMPTS], { pattern: SPLIT_PRESETS.gpt4, vocabSize: 2048, specials: DEFAULT_SPECIALS });
    saveTokenizer(new BpeTokenizer(spec), join(tokenizer, "tokenizer.json"));
  }
  const vocab = loadTokenizer(join(tokenizer, "tokenizer.json")).vocabSize;
  const trainDir = await randomModel(tmp, vocab);
  const tokNote = found.tokenizer ? `the cached tokenizer ${found.tokenizer}` : "a byte-level BPE trained here on a paragraph";
  return { train: trainDir, tokenizer, model: `random-init gpt L4 C128 H4 T64, vocab ${vocab} (${tokNote}); ${found.note}` };
}

// ---- measurements -------------------------------------------------------------------------------------------------

interface Stream {
  readonly ttft_ms: number;
  readonly tokens: number;
  /** Tokens after the first, per second of the time between the first and the last. */
  readonly decode_tokens_per_s: number;
}

/** One streamed greedy completion through the server. */
async function latheStream(client: OpenAI, prompt: readonly number[], maxTokens: number): Promise<Stream> {
  const t0 = performance.now();
  const stream = await client.completions.create({ model: MODEL, prompt: [...prompt], max_tokens: maxTokens, temperature: 0, stream: true, stream_options: { include_usage: true } });
  let first = 0;
  let last = 0;
  let tokens = 0;
  for await (const c of stream) {
    if (c.usage) tokens = c.usage.completion_tokens;
    if (c.choices[0]?.text) {
      last = performance.now();
      first ||= last;
    }
  }
  return { ttft_ms: first - t0, tokens, decode_tokens_per_s: ((tokens - 1) / (last - first)) * 1000 };
}

/** The llama.cpp anchor: node-llama-cpp's CPU binary on the GGUF export, greedy, on the same prompt ids. */
async function llamaAnchor(ggufFile: string, threads: number) {
  const { getLlama, LlamaLogLevel } = await import("node-llama-cpp");
  const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath: ggufFile, gpuLayers: 0 });
  const ctx = await model.createContext({ contextSize: 128, threads, experimentalKvCacheKeyType: "F32", experimentalKvCacheValueType: "F32" });
  const seq = ctx.getSequence();
  return {
    threads: ctx.currentThreads,
    async stream(prompt: readonly number[], maxTokens: number): Promise<Stream> {
      await seq.clearHistory();
      const t0 = performance.now();
      let first = 0;
      let last = 0;
      let tokens = 0;
      for await (const _ of seq.evaluate(prompt as never, { temperature: 0, yieldEogToken: true })) {
        last = performance.now();
        first ||= last;
        if (++tokens === maxTokens) break;
      }
      return { ttft_ms: first - t0, tokens, decode_tokens_per_s: ((tokens - 1) / (last - first)) * 1000 };
    },
    async close() {
      await ctx.dispose();
      await model.dispose();
      await llama.dispose();
    },
  };
}

/** k requests at once (one per prompt), each max_tokens greedy, non-streamed: completion tokens per wall second. */
async function aggregate(client: OpenAI, prompts: readonly (readonly number[])[], k: number, maxTokens: number): Promise<number> {
  const t0 = performance.now();
  const done = await Promise.all(Array.from({ length: k }, (_, i) =>
    client.completions.create({ model: MODEL, prompt: [...prompts[i % prompts.length]], max_tokens: maxTokens, temperature: 0 })));
  return (done.reduce((s, r) => s + (r.usage?.completion_tokens ?? 0), 0) / (performance.now() - t0)) * 1000;
}

const round = (x: number, d = 1): number => Math.round(x * 10 ** d) / 10 ** d;
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function stats(xs: readonly number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const m = median(s);
  return { median: round(m), min: round(s[0]), max: round(s.at(-1)!), spread: round((s.at(-1)! - s[0]) / m, 3), n: s.length };
}
function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

/** Selected /metrics numbers: request counts by route and status, token totals, mean latencies, gauges. */
async function metricsSnapshot(url: string) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const val = (name: string) => Number(new RegExp(`^${name.replace(/[{}"/]/g, "\\$&")} (\\S+)$`, "m").exec(text)?.[1] ?? Number.NaN);
  const mean = (h: string) => round((val(`${h}_sum`) / val(`${h}_count`)) * 1000, 2);
  const requests = Object.fromEntries([...text.matchAll(/^lathe_requests_total\{route="([^"]+)",status="(\d+)"\} (\d+)$/gm)].map((m) => [`${m[1]} ${m[2]}`, Number(m[3])]));
  const cancelled = Object.fromEntries([...text.matchAll(/^lathe_cancelled_requests_total\{reason="([^"]+)"\} (\d+)$/gm)].map((m) => [m[1], Number(m[2])]));
  return {
    requests,
    cancelled,
    prompt_tokens: val("lathe_prompt_tokens_total"),
    generation_tokens: val("lathe_generation_tokens_total"),
    ttft_mean_ms: mean("lathe_time_to_first_token_seconds"),
    time_per_output_token_mean_ms: mean("lathe_time_per_output_token_seconds"),
    request_duration_mean_ms: mean("lathe_request_duration_seconds"),
    gauges: { queue_depth: val("lathe_queue_depth"), running: val("lathe_running_requests"), batch_size: val("lathe_batch_size"), waiting: val("lathe_waiting_requests") },
  };
}

// ---- the runs -----------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), "lathe-bench-serve-"));
  const t0 = performance.now();
  const budgetS = Number(arg("budget-s") ?? 600);
  const deadline = Date.now() + budgetS * 1000;
  const left = () => Date.now() < deadline;
  const src = await source(tmp);
  const tok: Tokenizer = loadTokenizer(join(src.tokenizer, "tokenizer.json"));
  const server = await spawnServer(src.train, src.tokenizer);
  const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "unused", maxRetries: 0, timeout: 120_000 });
  const head = { bench: "serve", model: src.model, engine: server.engine, context: server.context, cpus: cpus().length, budget_s: budgetS, setup_s: round((performance.now() - t0) / 1000, 1) };
  try {
    const load = arg("load");
    const result = load ? await loadRun(client, server, tok, Number(load), Number(arg("concurrency") ?? 8), left) : await speedRun(client, server, tok, src, tmp, left);
    console.log(JSON.stringify({ ...head, ...result, budget_exhausted: !left() }, null, 2));
  } finally {
    await server.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Prompt ids short enough that prompt + maxTokens fits the context. */
function promptIds(tok: Tokenizer, context: number, maxTokens: number): number[][] {
  const room = Math.max(1, Math.min(16, context - maxTokens));
  return PROMPTS.map((p) => Array.from(tok.encode(p)).slice(0, room));
}

async function speedRun(client: OpenAI, server: ServerProc, tok: Tokenizer, src: { train: string; tokenizer: string }, tmp: string, left: () => boolean) {
  const rounds = Number(arg("rounds") ?? 3);
  const maxTokens = Math.min(48, server.context - 1);
  const prompts = promptIds(tok, server.context, maxTokens);
  const gguf = join(tmp, "model.gguf");
  let anchor: Awaited<ReturnType<typeof llamaAnchor>> | null = null;
  let anchorNote = "";
  try {
    await exportGguf({ trainDir: src.train, tokenizerDir: src.tokenizer, outFile: gguf, dtype: "f32" });
    anchor = await llamaAnchor(gguf, Number(arg("llama-threads") ?? 1));
  } catch (e) {
    anchorNote = `no llama.cpp anchor: ${(e as Error).message}`;
  }
  // Warm-up: pipelines compiled, pools filled, JIT warm, on both sides.
  for (const p of prompts.slice(0, 2)) {
    await latheStream(client, p, 8);
    await anchor?.stream(p, 8);
  }
  await aggregate(client, prompts, 16, 4);
  const memBefore = memory(server.pid);
  const lathe = { ttft: [] as number[], decode: [] as number[], tokens: [] as number[] };
  const llama = { ttft: [] as number[], decode: [] as number[], tokens: [] as number[] };
  const agg: Record<number, number[]> = { 1: [], 4: [], 16: [] };
  // Each round: Lathe's single streams, llama.cpp's on the same prompts, then Lathe's aggregate at 1, 4 and 16.
  for (let r = 0; r < rounds && left(); r++) {
    for (const [side, run] of [[lathe, (p: number[]) => latheStream(client, p, maxTokens)], [llama, anchor ? (p: number[]) => anchor!.stream(p, maxTokens) : null]] as const) {
      if (!run) continue;
      const per: Stream[] = [];
      for (const p of prompts) if (left()) per.push(await run(p));
      if (!per.length) continue;
      side.ttft.push(median(per.map((s) => s.ttft_ms)));
      side.decode.push(median(per.map((s) => s.decode_tokens_per_s)));
      side.tokens.push(median(per.map((s) => s.tokens)));
    }
    for (const k of [1, 4, 16]) if (left()) agg[k].push(await aggregate(client, prompts, k, maxTokens));
  }
  const single = (s: typeof lathe) => (s.decode.length ? { decode_tokens_per_s: stats(s.decode), ttft_ms: stats(s.ttft), tokens_per_stream: median(s.tokens) } : null);
  const latheSingle = single(lathe);
  const llamaSingle = single(llama);
  return {
    rounds,
    prompts: prompts.length,
    prompt_tokens: prompts.map((p) => p.length),
    max_tokens: maxTokens,
    lathe: {
      single_stream: latheSingle,
      aggregate_tokens_per_s: Object.fromEntries(Object.entries(agg).map(([k, xs]) => [`concurrency_${k}`, xs.length ? stats(xs) : null])),
      server_memory_before: memBefore,
      server_memory_after: memory(server.pid),
    },
    llama_cpp: anchor ? { binary: "node-llama-cpp 3.21.1 prebuilt CPU, gguf f32, f32 KV cache", threads: anchor.threads, single_stream: llamaSingle } : anchorNote,
    ratios_lathe_over_llama_cpp: latheSingle && llamaSingle
      ? { single_stream_decode: round(latheSingle.decode_tokens_per_s.median / llamaSingle.decode_tokens_per_s.median, 3), ttft: round(latheSingle.ttft_ms.median / llamaSingle.ttft_ms.median, 3) }
      : null,
    metrics: await metricsSnapshot(server.url),
  };
}

async function loadRun(client: OpenAI, server: ServerProc, tok: Tokenizer, n: number, c: number, left: () => boolean) {
  const maxTokens = Math.min(32, server.context - 1);
  const texts = promptIds(tok, server.context, maxTokens).map((ids) => tok.decode(ids));
  const chat = (i: number) =>
    client.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: texts[i % texts.length] }], max_tokens: maxTokens, temperature: 0.8, seed: i });
  for (let i = 0; i < 4; i++) await chat(i); // warm-up
  // The single stream it is measured against: sequential requests of the same shape.
  const t1 = performance.now();
  let singleTokens = 0;
  for (let i = 0; i < 8 && left(); i++) singleTokens += (await chat(i)).usage?.completion_tokens ?? 0;
  const singleTps = (singleTokens / (performance.now() - t1)) * 1000;
  const memBefore = memory(server.pid);
  const latencies: number[] = [];
  const errors: string[] = [];
  // RSS at each quarter of the run: a leak keeps climbing, an allocator or pool that settles flattens out.
  const trajectory: number[] = [];
  const sampleMemory = () => {
    const done = latencies.length + errors.length;
    if (done >= ((trajectory.length + 1) * n) / 4) trajectory.push(memory(server.pid).rss_mib);
  };
  let tokens = 0;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: c }, async () => {
    while (next < n && left()) {
      const i = next++;
      const s = performance.now();
      try {
        const r = await chat(i); // (not `tokens += await …`: that reads tokens before the await and loses updates)
        tokens += r.usage?.completion_tokens ?? 0;
        latencies.push(performance.now() - s);
      } catch (e) {
        errors.push((e as Error).message);
      }
      sampleMemory();
    }
  }));
  const wall = (performance.now() - t0) / 1000;
  const aggTps = tokens / wall;
  return {
    load: { requests: n, sent: next, completed: latencies.length, concurrency: c, max_tokens: maxTokens },
    errors: errors.length,
    error_samples: [...new Set(errors)].slice(0, 3),
    latency_ms: latencies.length ? { p50: round(percentile(latencies, 50)), p99: round(percentile(latencies, 99)), max: round(Math.max(...latencies)) } : null,
    wall_s: round(wall, 2),
    aggregate_tokens_per_s: round(aggTps),
    single_stream_tokens_per_s: round(singleTps),
    aggregate_over_single: round(aggTps / singleTps, 2),
    server_memory_before: memBefore,
    server_memory_after: memory(server.pid),
    server_rss_mib_by_quarter: trajectory,
    metrics: await metricsSnapshot(server.url),
  };
}

if (args.includes("--child")) await child();
else await main();
