// The model's cross-field checks run when the train stage is planned: `lathe build --dry` (and `lathe build`, before
// any stage runs) reports a model that cannot be built at the recipe's file:line:col, every problem at once, and
// warns with the numbers about an MoE capacity that would drop most tokens. The recipes extend the CLI fixture
// (tests/fixtures/cli/tiny-model.yaml) from a temporary folder.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

const ROOT = join(import.meta.dir, "..");
const MAIN = join(ROOT, "packages/cli/src/main.ts");
const FIXTURES = join(ROOT, "tests/fixtures/cli");
setDefaultTimeout(60_000); // a few CLI processes per test

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "lathe-model-checks-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A recipe file extending the fixture with `model` (YAML lines), its path as the CLI shows it. */
function recipe(name: string, model: string[]): string {
  const file = join(dir, `${name}.yaml`);
  const lines = [
    `extends: ${join(FIXTURES, "tiny-model.yaml")}`,
    `name: ${name}`,
    "datasets:",
    `  - path: ${join(FIXTURES, "text")}/*.txt`,
    "    unit: paragraph",
    "model:",
    ...model.map((l) => `  ${l}`),
  ];
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

function lathe(...args: string[]): { code: number; stdout: string; stderr: string } {
  const p = Bun.spawnSync(["bun", MAIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, LATHE_CACHE: join(dir, "cache"), CI: "1", FORCE_COLOR: "0", NO_COLOR: "1" },
    stdout: "pipe",
    stderr: "pipe",
  });
  return { code: p.exitCode ?? -1, stdout: p.stdout.toString(), stderr: p.stderr.toString() };
}

describe("model checks at plan time", () => {
  test("n_head 3 with d_model 128 fails --dry at the recipe's line, and build before any stage runs", () => {
    const file = recipe("heads", ["n_head: 3", "d_model: 128"]);
    const shown = relative(ROOT, file);
    const expected = `${shown}:7:11: /model/n_head: d_model 128 is not divisible by n_head (got 3). Hint: pick n_head dividing 128, e.g. 2`;
    const dry = lathe("build", file, "--dry");
    expect(dry.code).toBe(1);
    expect(dry.stderr.trim()).toBe(expected);
    const build = lathe("build", file, "--json");
    expect(build.code).toBe(1);
    expect(build.stderr.trim()).toBe(expected);
    expect(build.stdout).not.toContain("stage-start"); // collect, clean, tokenizer and pack did not run first
  });

  test("an MoE section with top_k above experts and every above n_layer gives both errors, each at its line", () => {
    const file = recipe("moe", ["n_layer: 2", "moe:", "  experts: 4", "  top_k: 6", "  every: 3"]);
    const shown = relative(ROOT, file);
    const r = lathe("build", file, "--dry");
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toEqual([
      `${shown}:10:12: /model/moe/top_k: each token would go to 6 of only 4 experts (got 6). Hint: set top_k to at most 4, or raise experts`,
      `${shown}:11:12: /model/moe/every: every 3 is larger than n_layer 2, so no block would get experts (got 3). Hint: set every to at most 2 (1 = every block)`,
    ]);
  });

  test("a capacity that drops most tokens at init plans, with a located warning that gives the numbers", () => {
    const file = recipe("capacity", ["moe:", "  experts: 4", "  every: 1", "  capacity_factor: 0.2"]);
    const shown = relative(ROOT, file);
    const r = lathe("build", file, "--dry");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("model.train");
    expect(r.stderr.trim()).toBe(
      `warning: ${shown}:10:22: /model/moe/capacity_factor: about 75% of the 64 token-expert assignments of a batch (32 tokens x top_k 2) ` +
        "would be dropped at init: each of the 4 experts takes 4 (got 0.2). Hint: raise capacity_factor to at least 1 (an even share: 16 per expert)",
    );
  });
});
