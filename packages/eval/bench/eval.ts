// Evaluation throughput: bun run bench eval [--train <dir> --tokenizer <dir>] [--backend auto|webgpu|cpu] [--rounds 3]
// [--items 100] [--batch 32]. Prints one JSON object: multiple-choice items/s and scored tokens/s, batched (LatheLM)
// vs one scorer.score call per request, median and spread over rounds. The model defaults to the default recipe's
// cached train + tokenizer stages (held-out text from its cached clean stage); with none cached, a small random-init
// byte-level GPT in a temp dir (the JSON says so).
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { plan, type StageDef } from "@lathe/engine";
import { loadScorer, type TokenScorer } from "@lathe/model";
import { byteTokenizer, loadTokenizer, type Tokenizer } from "@lathe/tokenizer";
import { LatheLM } from "../src/lm/lathe-lm.ts";
import type { LoglikelihoodRequest } from "../src/lm/types.ts";
import { writeRandomModel } from "../src/lm/test-model.ts";

const ROOT = resolve(import.meta.dir, "../../..");
const args = process.argv.slice(2);
const arg = (k: string): string | undefined => {
  const i = args.indexOf(`--${k}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const rounds = Number(arg("rounds") ?? 3);
const nItems = Number(arg("items") ?? 100);
const batchSize = Number(arg("batch") ?? 32);
const backend = (arg("backend") ?? "auto") as "auto" | "webgpu" | "cpu";

/** Prose used for items when no cached clean stage holds held-out text. */
const FALLBACK_TEXT = `The river rose slowly through the night, and by morning the lower fields were under water. Farmers moved
their cattle to the ridge above the mill, where the ground stayed dry even in the worst years. The miller had kept a
record of every flood since his grandfather built the wheel, and he told anyone who would listen that this one was not
yet the highest. In the town the school was closed and the church opened its hall to families from the valley. Volunteers
carried bread and blankets across the old stone bridge, which had stood for two hundred years and showed no sign of
giving way. When the rain finally stopped, the sky cleared to a pale and uncertain blue. Children ran along the
embankment to watch the brown current carry branches, fence posts and once a small boat with nobody in it. The
engineers from the county arrived in the afternoon with maps and measuring poles, and they spent two days walking the
banks before they wrote their report. It recommended a new channel to the east, a higher wall along the market street
and a gauge at the bridge that could be read from the square. The council approved the wall at once but argued about
the channel for most of the following year, because it would cut through the orchard that supplied half the cider in
the district.`;

/** The part of @lathe/cli's exports used here (typed locally so eval's typecheck does not pull in the CLI). */
interface CliPlanner {
  loadPlanned(
    ws: { root: string; cacheDir: string },
    file: string,
    opts: { untilProducer: string; command: string },
  ): Promise<{ shown: string; contexts: readonly { id(name: string): string }[]; kinds: readonly { name: string }[]; graph: readonly StageDef[] }>;
  latestProducer(kinds: readonly { name: string }[], artifact: string): { name: string } | undefined;
}

interface Source {
  readonly scorer: TokenScorer;
  readonly tokenizer: Tokenizer;
  readonly text: string;
  readonly model: string;
}

/** The default recipe's cached train, tokenizer and clean outDirs, or why there are none. */
async function cachedStages(): Promise<{ train: string; tokenizer: string; clean?: string } | string> {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { lathe?: { default?: string } };
  const file = pkg.lathe?.default ? resolve(ROOT, pkg.lathe.default) : undefined;
  if (!file || !existsSync(file)) return "no default recipe in package.json lathe.default";
  const cacheDir = process.env.LATHE_CACHE ? resolve(process.env.LATHE_CACHE) : join(ROOT, "cache");
  // The CLI owns the planner; eval cannot depend on it as a package (the CLI depends on eval), so load its entry.
  const cli = (await import(join(ROOT, "packages/cli/src/index.ts"))) as CliPlanner;
  const recipe = await cli.loadPlanned({ root: ROOT, cacheDir }, file, { untilProducer: "model", command: "bench" });
  const ctx = recipe.contexts[0];
  const model = cli.latestProducer(recipe.kinds, "model");
  const tok = cli.latestProducer(recipe.kinds, "tokenizer");
  if (!model || !tok) return `${recipe.shown} plans no model`;
  const dirs = new Map((await plan(recipe.graph, { cacheDir, root: ROOT })).flatMap((p) => (p.outDir ? [[p.id, p.outDir] as const] : [])));
  const train = dirs.get(ctx.id(model.name));
  const tokenizer = dirs.get(ctx.id(tok.name));
  if (!train || !tokenizer) return `${recipe.shown}'s ${!train ? model.name : tok.name} stage is not cached in ${cacheDir} (bun run build)`;
  const clean = dirs.get(ctx.id("clean"));
  return { train, tokenizer, ...(clean ? { clean } : {}) };
}

async function source(): Promise<Source> {
  const given = arg("train");
  if (given) {
    const tokDir = arg("tokenizer") ?? given;
    const tokenizer = loadTokenizer(join(tokDir, "tokenizer.json"));
    const scorer = await loadScorer({ trainDir: given, backend, eot: tokenizer.specialId("<|endoftext|>") });
    return { scorer, tokenizer, text: FALLBACK_TEXT, model: given };
  }
  const found = await cachedStages().catch((e: unknown) => `finding cached stages failed: ${(e as Error).message}`);
  if (typeof found !== "string") {
    const tokenizer = loadTokenizer(join(found.tokenizer, "tokenizer.json"));
    const scorer = await loadScorer({ trainDir: found.train, backend, eot: tokenizer.specialId("<|endoftext|>") });
    const val = found.clean ? join(found.clean, "val.jsonl") : "";
    const text = val && existsSync(val) ? heldOut(val) : FALLBACK_TEXT;
    return { scorer, tokenizer, text, model: `cached ${found.train}` };
  }
  const section = { kind: "gpt", n_layer: 2, n_head: 4, d_model: 64, context: 64, init_std: 0.1 };
  const trainDir = await writeRandomModel(section, 257, 1);
  const scorer = await loadScorer({ trainDir, backend, eot: 256 });
  return { scorer, tokenizer: byteTokenizer(["<|endoftext|>"]), text: FALLBACK_TEXT, model: `random-init gpt L2 C64 T64 byte-level in ${trainDir} (${found})` };
}

/** The first ~40 KB of a clean stage's val split. */
function heldOut(file: string): string {
  const out: string[] = [];
  let n = 0;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line) continue;
    const text = (JSON.parse(line) as { text?: string }).text ?? "";
    out.push(text);
    n += text.length;
    if (n > 40_000) break;
  }
  return out.join("\n");
}

/** n 4-choice items: 24 words of context, the next 4 words as the answer, 4-word spans from elsewhere as distractors. */
function buildItems(text: string, n: number): { context: string; choices: string[]; gold: number }[] {
  const words = text.split(/\s+/).filter(Boolean);
  const span = (at: number) => " " + words.slice(at, at + 4).join(" ");
  const room = words.length - 28;
  if (room < 8) throw new Error(`bench eval: the held-out text has ${words.length} words; items need at least 36`);
  return Array.from({ length: n }, (_, i) => {
    const at = (i * 7919) % room;
    const gold = i % 4;
    const answer = span(at + 24);
    const others: string[] = [];
    for (let k = 1; others.length < 3 && k < 50; k++) {
      const d = span((at + 24 + k * 4099) % room);
      if (d !== answer && !others.includes(d)) others.push(d);
    }
    const choices = [...others];
    choices.splice(gold, 0, answer);
    return { context: words.slice(at, at + 24).join(" "), choices, gold };
  });
}

const argmax = (xs: number[]) => xs.indexOf(Math.max(...xs));
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0], max: s.at(-1)!, spread: (s.at(-1)! - s[0]) / s[Math.floor(s.length / 2)] };
};

const src = await source();
const items = buildItems(src.text, nItems);
const reqs: LoglikelihoodRequest[] = items.flatMap((it) => it.choices.map((c) => ({ context: it.context, continuation: c })));
const modes = { batched: batchSize, one_at_a_time: 1 } as const;
type Mode = keyof typeof modes;
const runs: Record<Mode, { itemsPerS: number[]; tokensPerS: number[]; calls: number }> = {
  batched: { itemsPerS: [], tokensPerS: [], calls: 0 },
  one_at_a_time: { itemsPerS: [], tokensPerS: [], calls: 0 },
};
let reference: number[] | null = null;
let maxAbsDiff = 0;
let accuracy = 0;
await new LatheLM(src.scorer, src.tokenizer, { batchSize }).loglikelihood(reqs.slice(0, 8)); // compile pipelines, warm the JIT
// Modes alternate within each round, so a change in machine load hits both alike.
for (let r = 0; r < rounds; r++) {
  for (const mode of Object.keys(modes) as Mode[]) {
    let calls = 0;
    const counted: TokenScorer = Object.assign(Object.create(src.scorer) as TokenScorer, {
      score: (w: Parameters<TokenScorer["score"]>[0]) => (calls++, src.scorer.score(w)),
    });
    const lm = new LatheLM(counted, src.tokenizer, { batchSize: modes[mode] }); // a fresh in-memory cache: every window scored
    const t0 = performance.now();
    const res = await lm.loglikelihood(reqs);
    const sec = (performance.now() - t0) / 1000;
    runs[mode].calls = calls;
    runs[mode].itemsPerS.push(items.length / sec);
    runs[mode].tokensPerS.push(res.reduce((a, x) => a + x.tokens, 0) / sec);
    const lp = res.map((x) => x.logprob);
    if (!reference) {
      reference = lp;
      accuracy = items.filter((it, i) => argmax(lp.slice(4 * i, 4 * i + 4)) === it.gold).length / items.length;
    } else lp.forEach((v, i) => (maxAbsDiff = Math.max(maxAbsDiff, Math.abs(v - reference![i]))));
  }
}
const result = Object.fromEntries(
  Object.entries(runs).map(([m, v]) => [m, { score_calls: v.calls, items_per_s: stats(v.itemsPerS), scored_tokens_per_s: stats(v.tokensPerS) }]),
);
const b = result.batched;
const o = result.one_at_a_time;
console.log(
  JSON.stringify(
    {
      bench: "eval",
      model: src.model,
      backend: src.scorer.backend,
      context: src.scorer.context,
      items: items.length,
      requests: reqs.length,
      rounds,
      batch_size: batchSize,
      accuracy,
      ...result,
      speedup: b.items_per_s.median / o.items_per_s.median,
      max_abs_logprob_diff: maxAbsDiff,
    },
    null,
    2,
  ),
);
await src.scorer.close();
