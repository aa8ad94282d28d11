// CLI benchmark: `bun run bench cli` (wrap in `flock /tmp/lathe-bench.lock`). Prints one JSON object: the wall time
// of a fully cached `lathe build <recipe> --plain` as a user runs it (a fresh `bun packages/cli/src/main.ts` process:
// module loading, recipe load + ajv, planning, hashing, the engine's cache check, the plain renderer), median of 5,
// plus the in-process build time the CLI prints in its last line. Two fixture recipes in a temp dir, over the CLI
// end-to-end test's two small text files, with their own temp LATHE_CACHE:
//  - twelve: 2-trial grid over train.lr on a 1-layer CPU GPT → 12 planned stages (trials share collect..pack keys);
//  - sweep: 10 × 10 grid (vars.min_words × train.lr) built --to tokenizer → 100 trials, 300 planned stages.
// phasesMs: the same cached build split into phases (imports, recipe load, planning, engine) by bench/cli-phases.ts.
// Targets (issue 2): ≤ 150 ms for the 12-stage recipe, ≤ 1 s for the 100-trial sweep.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(import.meta.dir, "../../..");
const MAIN = join(ROOT, "packages/cli/src/main.ts");
const REPS = 5;

const work = mkdtempSync(join(tmpdir(), "lathe-bench-cli-"));
const cache = join(work, "cache");
cpSync(join(ROOT, "tests/fixtures/cli/text"), join(work, "text"), { recursive: true });

const DATA = `datasets:
  - path: text/*.txt
    unit: paragraph
clean:
  - rule: normalize
  - rule: filter
    kind: gopher_quality
    min_doc_words: \${min_words}
  - rule: dedup
    method: exact
  - rule: split
    val: 0.2
    test: 0.2
tokenizer:
  vocab_size: 300
model:
  kind: gpt
  n_layer: 1
  n_head: 2
  d_model: 16
  context: 16
train:
  backend: cpu
  batch_size: 2
  steps: 4
  warmup_steps: 1
  eval_every: 4
  eval_batches: 1
  checkpoint_every: 0
`;

const RECIPES = {
  twelve: {
    text: `name: bench-twelve\nvars:\n  min_words: 5\n${DATA}sweep:\n  grid:\n    train.lr: [0.001, 0.002]\n`,
    until: undefined as string | undefined,
    stages: 12,
  },
  sweep: {
    text:
      `name: bench-sweep\nvars:\n  min_words: 5\n${DATA}sweep:\n  grid:\n` +
      `    vars.min_words: [${Array.from({ length: 10 }, (_, i) => 3 + i).join(", ")}]\n` +
      `    train.lr: [${Array.from({ length: 10 }, (_, i) => (i + 1) / 1000).join(", ")}]\n`,
    until: "tokenizer" as string | undefined,
    stages: 300,
  },
};

function lathe(args: string[]): { code: number; stdout: string; stderr: string; ms: number } {
  const t = performance.now();
  const p = Bun.spawnSync(["bun", MAIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, LATHE_CACHE: cache, CI: "1", NO_COLOR: "1" },
    stdout: "pipe",
    stderr: "pipe",
  });
  const ms = performance.now() - t;
  return { code: p.exitCode ?? -1, stdout: p.stdout.toString(), stderr: p.stderr.toString(), ms };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number) => Math.round(x * 10) / 10;

/** "build ok: 12 stages (12 cached) in 41ms" → 41; the CLI's own in-process build time. */
function printedMs(stdout: string): number | undefined {
  const m = /^build ok: .* in ([\d.]+)(ms|s)\b/m.exec(stdout);
  if (!m) return undefined;
  return Number(m[1]) * (m[2] === "s" ? 1000 : 1);
}

const out: Record<string, unknown> = { reps: REPS, targetMs: { twelve: 150, sweep: 1000 } };
try {
  for (const [name, r] of Object.entries(RECIPES)) {
    const file = join(work, `${name}.yaml`);
    const args = r.until === undefined ? [] : ["--to", r.until];
    writeFileSync(file, r.text);
    const first = lathe(["build", file, ...args, "--plain"]);
    if (first.code !== 0) throw new Error(`${name}: first build failed (exit ${first.code}):\n${first.stdout}\n${first.stderr}`);
    const times: number[] = [];
    const inProcess: number[] = [];
    for (let i = 0; i < REPS; i++) {
      const run = lathe(["build", file, ...args, "--plain"]);
      const verdict = run.stdout.trim().split("\n").at(-1) ?? "";
      if (run.code !== 0 || !verdict.includes(`${r.stages} stages (${r.stages} cached)`)) {
        throw new Error(`${name}: cached build was not ${r.stages} cached stages: ${verdict}\n${run.stderr}`);
      }
      times.push(run.ms);
      const p = printedMs(run.stdout);
      if (p !== undefined) inProcess.push(p);
    }
    // Where the time goes: the same cached build phase by phase in a fresh process (median per phase of REPS runs).
    const runs: Record<string, number>[] = [];
    for (let i = 0; i < REPS; i++) {
      const p = Bun.spawnSync(["bun", join(import.meta.dir, "cli-phases.ts"), file, ...(r.until === undefined ? [] : [r.until])], {
        cwd: ROOT,
        env: { ...process.env, LATHE_CACHE: cache },
        stdout: "pipe",
        stderr: "pipe",
      });
      if (p.exitCode !== 0) throw new Error(`${name}: cli-phases failed:\n${p.stderr.toString()}`);
      runs.push((JSON.parse(p.stdout.toString()) as { phases: Record<string, number> }).phases);
    }
    const phasesMs = Object.fromEntries(Object.keys(runs[0]!).map((k) => [k, median(runs.map((x) => x[k]!))]));
    out[name] = {
      stages: r.stages,
      args,
      firstBuildMs: Math.round(first.ms),
      cachedCliMs: round(median(times)),
      cachedCliMsAll: times.map(round),
      ...(inProcess.length > 0 ? { printedBuildMs: median(inProcess) } : {}),
      phasesMs,
    };
  }
  // What any `bun` process costs before lathe code runs, for reference.
  const bare: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const t = performance.now();
    Bun.spawnSync(["bun", "-e", "0"], { stdout: "pipe", stderr: "pipe" });
    bare.push(performance.now() - t);
  }
  out.bareBunMs = round(median(bare));
  const help = [];
  for (let i = 0; i < REPS; i++) help.push(lathe(["--version"]).ms);
  out.latheVersionMs = round(median(help));
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.stdout.write(`${JSON.stringify(out)}\n`);
