// Batched decoding throughput: bun run bench decode [trainDir] [--backend auto|webgpu|cpu] [--tokens N].
// Decode tokens/s (prefill excluded from the single-stream number) for 1, 4 and 16 concurrent greedy sequences,
// per stream and aggregate, on the webgpu backend when an adapter exists. Without a trainDir, a random-init GPT of
// the default recipe's shape (4 layers, d_model 128, 4 heads, context 64, vocab 2048). Prints one JSON object, with
// the single-stream baseline of the scorer's generate() (which re-runs the whole window for every token).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Device, getDevice, NoAdapterError } from "@lathe/gpu";
import { resolveModelConfig } from "../src/config.ts";
import { type Decoder, loadDecoder } from "../src/infer/decode/index.ts";
import { loadScorer } from "../src/infer/score.ts";
import { writeSafetensors } from "../src/io/safetensors.ts";
import { buildModel } from "../src/nn/model.ts";
import { tensorsOf } from "../src/train/checkpoint.ts";

const args = process.argv.slice(2);
const flag = (k: string): string | undefined => {
  const i = args.indexOf(`--${k}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const positional = args.filter((a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--"));
const backend = (flag("backend") ?? "auto") as "auto" | "webgpu" | "cpu";

async function randomModel(): Promise<string> {
  const cfg = resolveModelConfig({ kind: "gpt", n_layer: 4, d_model: 128, n_head: 4, context: 64 }, 2048);
  const model = buildModel(await getDevice({ backend: "cpu" }), cfg, 1);
  const dir = mkdtempSync(join(tmpdir(), "lathe-bench-decode-"));
  writeSafetensors(join(dir, "model.safetensors"), await tensorsOf(model.params.list));
  writeFileSync(join(dir, "config.json"), JSON.stringify(cfg));
  return dir;
}

/** k sequences of an 8-token prompt decoding `tokens` tokens each, started together; decode steps timed apart. */
async function run(dec: Decoder, k: number, tokens: number) {
  const prompt = (s: number) => Array.from({ length: 8 }, (_, i) => (i * 131 + s * 17) % dec.vocabSize);
  for (let s = 0; s < k; s++) dec.add(prompt(s), { maxTokens: tokens });
  let generated = 0;
  let decodeMs = 0;
  const t0 = performance.now();
  for (let first = true; dec.stats().running + dec.stats().waiting > 0; first = false) {
    const t = performance.now();
    generated += (await dec.step()).length;
    if (!first) decodeMs += performance.now() - t; // the first step prefills every prompt
  }
  const wallMs = performance.now() - t0;
  const decoded = generated - k; // tokens after the first (which came from the prefill step)
  return {
    concurrent: k,
    tokens: generated,
    aggregate_tokens_per_s: round((generated / wallMs) * 1000),
    decode_tokens_per_s: round((decoded / decodeMs) * 1000),
    per_stream_tokens_per_s: round((decoded / decodeMs / k) * 1000),
    ms_per_step: round(decodeMs / (tokens - 1)),
  };
}

const round = (x: number): number => Math.round(x * 10) / 10;

async function device(): Promise<Device> {
  if (backend !== "auto") return getDevice({ backend });
  try {
    return await getDevice({ backend: "webgpu" });
  } catch (e) {
    if (e instanceof NoAdapterError) return getDevice({ backend: "cpu" });
    throw e;
  }
}

const trainDir = positional[0] ?? (await randomModel());
const dev = await device();
const dec = await loadDecoder({ trainDir, device: dev, maxSequences: 16 });
const tokens = Math.min(Number(flag("tokens") ?? 48), dec.context - 8);
await run(dec, 2, 4); // warm-up: pipelines compiled, pools filled
const results = [];
for (const k of [1, 4, 16]) results.push(await run(dec, k, tokens));
await dec.close();
const scorer = await loadScorer({ trainDir, device: dev });
await scorer.generate([1, 2, 3], { maxTokens: 2 });
const t0 = performance.now();
await scorer.generate(Array.from({ length: 8 }, (_, i) => i), { maxTokens: tokens });
const baseline = round((tokens / (performance.now() - t0)) * 1000);
await scorer.close();
console.log(JSON.stringify({
  bench: "decode", backend: dec.backend, trainDir: positional[0] ?? "random-init L4 C128 H4 T64 V2048", tokens_per_sequence: tokens, results,
  scorer_generate_tokens_per_s: baseline,
}, null, 2));
dev.destroy();
process.exit(0);
