// End-to-end: the `lathe` command as a user runs it (a subprocess, a temporary LATHE_CACHE), over a data-only
// fixture recipe (tests/fixtures/cli/tiny.yaml: two text files, four cheap cleaning rules), built up to `clean`.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(import.meta.dir, "..");
const MAIN = join(ROOT, "packages/cli/src/main.ts");
const TINY = "tests/fixtures/cli/tiny.yaml";
const BAD = "tests/fixtures/cli/bad.yaml";
const SWEEP = "tests/fixtures/cli/tiny-sweep.yaml";
const MODEL = "tests/fixtures/cli/tiny-model.yaml";

let cache: string;
// Each test spawns a few CLI processes (~0.3-1 s each, more on a busy machine); bunfig's [test] timeout does not
// reach this file, so set it here.
setDefaultTimeout(60_000);

function lathe(...args: string[]): { code: number; stdout: string; stderr: string } {
  const p = Bun.spawnSync(["bun", MAIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, LATHE_CACHE: cache, CI: "1", FORCE_COLOR: "0", NO_COLOR: "1" },
    stdout: "pipe",
    stderr: "pipe",
  });
  return { code: p.exitCode ?? -1, stdout: p.stdout.toString(), stderr: p.stderr.toString() };
}

interface Event {
  type: string;
  id?: string;
  changes?: { type: string; path?: string; from?: unknown; to?: unknown }[];
}

/** Stage ids by the event that ended them, from a --json build. */
function outcome(stdout: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const line of stdout.trim().split("\n")) {
    const e = JSON.parse(line) as Event;
    if (e.id && ["stage-start", "stage-cached", "stage-done", "stage-failed"].includes(e.type)) (out[e.type] ??= []).push(e.id);
  }
  for (const ids of Object.values(out)) ids.sort(); // independent stages finish in any order
  return out;
}

beforeAll(() => {
  cache = mkdtempSync(join(tmpdir(), "lathe-cli-test-"));
});
afterAll(() => {
  rmSync(cache, { recursive: true, force: true });
});

describe("lathe build", () => {
  test("the first build runs every stage and the second finds them all cached", () => {
    const first = lathe("build", TINY, "--to", "clean", "--json");
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(outcome(first.stdout)).toEqual({ "stage-start": ["clean", "collect"], "stage-done": ["clean", "collect"] });

    const second = lathe("build", TINY, "--to", "clean", "--json");
    expect(second.code).toBe(0);
    expect(outcome(second.stdout)).toEqual({ "stage-cached": ["clean", "collect"] });
  });

  test("--plain prints one line per stage and the verdict", () => {
    const r = lathe("build", TINY, "--to", "clean", "--plain");
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toBe(`build ${TINY}: 2 stages`);
    expect(lines).toContain("cached   collect");
    expect(lines).toContain("cached   clean");
    expect(lines.at(-1)).toMatch(/^build ok: 2 stages \(2 cached\) in \d/);
  });

  test("after a --set that touches only cleaning, --dry --json says collect is cached and clean will rerun, and why", () => {
    const r = lathe("build", TINY, "--to", "clean", "--dry", "--json", "--set", "vars.min_words=8");
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as { recipe: string; stages: { id: string; status: string; changes: Event["changes"] }[] };
    expect(plan.recipe).toBe(TINY);
    expect(plan.stages.map((s) => [s.id, s.status])).toEqual([
      ["collect", "hit"],
      ["clean", "miss"],
    ]);
    expect(plan.stages[1].changes).toEqual([expect.objectContaining({ type: "param", from: 5, to: 8 })]);
  });

  test("building with the --set reruns only clean; building without it again is all cached", () => {
    expect(outcome(lathe("build", TINY, "--to", "clean", "--json", "--set", "vars.min_words=8").stdout)).toEqual({
      "stage-cached": ["collect"],
      "stage-start": ["clean"],
      "stage-done": ["clean"],
    });
    expect(outcome(lathe("build", TINY, "--to", "clean", "--json").stdout)).toEqual({ "stage-cached": ["clean", "collect"] });
  });

  test("a sweep's trials share the cached collect stage and each get their own clean", () => {
    // min_words 5 is tiny.yaml's own value (cached above), 8 was built by the --set test.
    expect(outcome(lathe("build", SWEEP, "--to", "clean", "--json").stdout)).toEqual({
      "stage-cached": ["trial-1/clean", "trial-1/collect", "trial-2/clean", "trial-2/collect"],
    });
    const plan = JSON.parse(lathe("build", SWEEP, "--to", "clean", "--dry", "--json", "--set", "clean.3.val=0.3").stdout) as { stages: { id: string; status: string }[] };
    expect(plan.stages.map((s) => `${s.id} ${s.status}`)).toEqual(["trial-1/collect hit", "trial-1/clean miss", "trial-2/collect hit", "trial-2/clean miss"]);
  });

  test("--json with several recipes names the recipe in each build-start and build-done line", () => {
    const r = lathe("build", TINY, SWEEP, "--to", "clean", "--json");
    expect(r.code).toBe(0);
    const builds = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; recipe?: string })
      .filter((e) => e.type === "build-start" || e.type === "build-done");
    expect(builds.map((e) => `${e.type} ${e.recipe}`)).toEqual([`build-start ${TINY}`, `build-done ${TINY}`, `build-start ${SWEEP}`, `build-done ${SWEEP}`]);
  });

  test("the whole pipeline builds on the CPU backend, then sample streams text and export writes a HF folder", () => {
    const b = lathe("build", MODEL, "--json");
    expect(b.code).toBe(0);
    expect(outcome(b.stdout)["stage-done"]).toEqual(["eval", "pack", "sample", "tokenizer", "train"]);
    const s = lathe("sample", MODEL, "--prompt", "The harbor", "--max-tokens", "8", "--seed", "1");
    expect(s.code).toBe(0);
    expect(s.stderr).toBe(""); // everything was cached: no build view
    expect(s.stdout).toStartWith("The harbor");
    expect(s.stdout.length).toBeGreaterThan("The harbor\n".length);
    const out = join(cache, "export");
    const e = lathe("export", MODEL, "--format", "hf", "--out", out);
    expect(e.code).toBe(0);
    expect(e.stdout).toBe(`exported train (hf) to ${out}\n`);
    expect(readdirSync(out).sort()).toEqual(expect.arrayContaining(["config.json", "model.safetensors"]));
    const gguf = join(cache, "tiny.gguf");
    const g = lathe("export", MODEL, "--format", "gguf", "--dtype", "f16", "--out", gguf);
    expect(g.code).toBe(0);
    expect(g.stdout).toMatch(new RegExp(`^exported train \\(gguf f16, \\d+ tensors, [\\d.]+ MiB\\) to ${gguf.replace(/[.]/g, "\\.")}\n$`));
    expect(readFileSync(gguf).subarray(0, 4).toString()).toBe("GGUF");
    const ctx = join(cache, "tiny-docker");
    const d = lathe("export", MODEL, "--format", "docker", "--out", ctx);
    expect(d.code).toBe(0);
    expect(d.stdout).toContain(`to ${ctx}\nbuild it: podman build --format docker -t `);
    const dockerfile = readFileSync(join(ctx, "Dockerfile"), "utf8");
    expect(dockerfile).toMatch(/^ARG BASE=oven\/bun:/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\/health/m);
    expect(readdirSync(ctx)).toEqual(expect.arrayContaining(["Dockerfile", "README.md", "model.safetensors", "tokenizer.json"]));
  });

  test("eval prints the report card of the cached eval stage; an eval edit reruns only eval, never training", () => {
    const r = lathe("eval", MODEL, "--plain");
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(""); // built by the test above: nothing to build
    expect(r.stdout).toContain(`report card · ${MODEL}`);
    expect(r.stdout).toMatch(/bits_per_byte \(test\) ↓\s+\d\.\d{4}/);
    expect(r.stdout).toMatch(/wordnet_define acc ↑\s+0\.\d{3} ± 0\.\d{3}\s+0\.250/);
    const card = JSON.parse(lathe("eval", MODEL, "--json").stdout) as { columns: { id: string }[]; rows: { name: string }[] };
    expect(card.columns.map((c) => c.id)).toEqual(["train"]);
    expect(card.rows.map((row) => row.name)).toContain("wordnet_define acc_norm");
    const plan = JSON.parse(lathe("build", MODEL, "--dry", "--json", "--set", "eval.limit=10", "--set", "eval.tasks=[wordnet_define, brown_cloze]").stdout) as { stages: { id: string; status: string }[] };
    expect(plan.stages.filter((s) => s.status === "miss").map((s) => s.id)).toEqual(["eval"]);
  });

  test("eval with a task name that does not exist exits 1 at plan time, naming the task and the closest name", () => {
    const r = lathe("eval", MODEL, "--set", "eval.tasks=[wordnet_defin]");
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('--set eval.tasks=[wordnet_defin] /eval/tasks/0 (task): no task named "wordnet_defin". Hint: did you mean "wordnet_define"?\n');
  });

  test("rate needs two models: one recipe without a sweep exits 2 saying how to give two", () => {
    const r = lathe("rate", MODEL);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`lathe rate: rating compares two models, and ${MODEL} has one. Hint: give two recipes (lathe rate recipes/brown-gpt.yaml recipes/brown-lstm.yaml) or a recipe with a sweep\n`);
  });

  test("a data-only recipe plans only collect and clean: no default tokenizer or model is trained", () => {
    const r = lathe("build", "recipes/brown-clean.yaml", "--dry", "--json");
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as { stages: { id: string }[] };
    expect(plan.stages.map((s) => s.id)).toEqual(["collect", "clean"]);
  });

  test("--to past the end of a data-only recipe exits 2 naming the missing sections", () => {
    const r = lathe("build", TINY, "--to", "train");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `lathe build: ${TINY} has no "train" stage: it writes no tokenizer, model or train section, so its pipeline ends at clean. ` +
        "Hint: add a model: section to the recipe (or extend a recipe that has one), or build up to clean with --to clean\n",
    );
  });

  test("a bad recipe exits 1 with every problem located, hints, and no stack trace", () => {
    const r = lathe("build", BAD);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`${BAD}:4:7: /seed must be integer`);
    expect(r.stderr).toContain(`${BAD}:5:1:`);
    expect(r.stderr).toContain("datasets");
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  test.each([
    ["recipes/brown-gtp.yaml", "did you mean recipes/brown-gpt.yaml?"],
    ["tiny.yaml", "did you mean recipes/tiny.yaml?"],
  ])("a missing recipe %s exits 2 naming the path and the closest recipe", (arg, hint) => {
    const r = lathe("build", arg);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`lathe build: recipe ${arg} does not exist. Hint: ${hint}\n`);
  });
});

describe("lathe explain, graph, status, inspect, gc", () => {
  test("explain names the changed param for a stage that would rerun", () => {
    const r = lathe("explain", TINY, "clean", "--set", "vars.min_words=9");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^clean \(data\.clean\): will run\n  because param clean\.1\.min_doc_words 5 → 9\n  needs collect\n$/);
  });

  test("explain without a stage lists every stage, cached ones with their output", () => {
    const r = lathe("explain", TINY);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("collect (data.collect): cached");
    expect(r.stdout).toContain("clean (data.clean): cached");
  });

  test("explain of an unknown stage suggests the closest one", () => {
    const r = lathe("explain", TINY, "claen");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`lathe explain: ${TINY} has no stage "claen". Hint: did you mean "clean"?\n`);
  });

  test("graph --format mermaid draws the stages and the collect → clean edge", () => {
    const r = lathe("graph", TINY, "--format", "mermaid");
    expect(r.code).toBe(0);
    expect(r.stdout).toStartWith("flowchart TD\n");
    expect(r.stdout).toMatch(/n0\["collect[^\n]*data\.collect/);
    expect(r.stdout).toContain("n0 -->|collect| n1");
  });

  test("graph --format dot is a digraph", () => {
    const r = lathe("graph", TINY, "--format", "dot");
    expect(r.stdout).toStartWith("digraph lathe {");
    expect(r.stdout).toContain('"collect" -> "clean"');
  });

  test("status lists the cached entries by kind and the last runs", () => {
    const r = lathe("status");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`cache: ${cache}`);
    expect(r.stdout).toMatch(/data\.clean\s+2\s/); // min_words 5 and 8
    expect(r.stdout).toMatch(/last runs:\n  \d{4}-\d\d-\d\d \d\d:\d\d:\d\d  ok/);
  });

  test("inspect prints the clean report of the cached stage", () => {
    const r = lathe("inspect", TINY, "clean");
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^clean: \d+ docs/);
    expect(r.stdout).toContain("splits:");
  });

  test("gc keeps what the given recipes reference and removes the rest; --dry only reports", () => {
    // Cached: collect, clean (min_words 5 and 8), and tiny-model's tokenizer, pack, train, sample, eval.
    const r = lathe("gc", TINY, MODEL, "--dry");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^gc: kept 7 entries referenced by 2 recipes; would remove 1 entry and \d+ blobs?/);
    const g = lathe("gc", TINY);
    expect(g.stdout).toMatch(/^gc: kept 2 entries referenced by 1 recipe; removed 6 entries and \d+ blobs?/);
    expect(outcome(lathe("build", TINY, "--to", "clean", "--json").stdout)).toEqual({ "stage-cached": ["clean", "collect"] });
  });
});

describe("the command line", () => {
  test("an unknown command exits 2 with a suggestion", () => {
    const r = lathe("biuld");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('lathe: unknown command "biuld". Hint: did you mean "lathe build"? Run "lathe help" for all commands\n');
  });

  test("--version prints the CLI package version", () => {
    expect(lathe("--version").stdout).toMatch(/^lathe \d+\.\d+\.\d+\n$/);
  });

  test.each([
    [[], "is a sweep of 2 trials. Hint: pick one with --trial, e.g. --trial trial-1 (trials: trial-1, trial-2)"],
    [["--trial", "trail-1"], 'has no trial "trail-1". Hint: did you mean --trial trial-1?'],
  ])("sample on a sweep %j asks for a valid --trial", (extra, message) => {
    // The --set gives the data-only sweep a model section, so it has a train stage to sample from.
    const r = lathe("sample", SWEEP, "--set", "model.kind=gpt", ...extra);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`lathe sample: ${SWEEP} ${message}\n`);
  });

  test("help lists every command", () => {
    const r = lathe("help");
    expect(r.code).toBe(0);
    for (const c of ["build", "explain", "graph", "status", "gc", "inspect", "sample", "export", "doctor", "help"]) expect(r.stdout).toContain(`\n  ${c}`);
  });
});
