// Recipe loading cost: a cold schema compile vs validators from the cache, loading the default recipe, and a
// 100-trial sweep. Run: `bun run bench recipe` (prints one JSON object; times in ms, median of 5 runs).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validatorHash } from "../src/compile.ts";
import { loadRecipe } from "../src/load.ts";
import { DEFAULT_SCHEMA_DIR, readSchemaFiles } from "../src/schema-files.ts";
import { loadSchema, VALIDATOR_CACHE_DIR } from "../src/schema.ts";

const repo = join(import.meta.dir, "..", "..", "..");
const tmp = mkdtempSync(join(tmpdir(), "lathe-bench-recipe-"));

function time(fn: () => unknown): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

async function median(fn: () => Promise<unknown>, runs = 5): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return ms.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

// Two copies of the real schemas with content no earlier run has cached: the first compiles, the second hits the cache.
const copies = ["a", "b"].map((name) => join(tmp, name));
const stamp = `bench ${Date.now()} ${Math.random()}`;
for (const dir of copies) {
  cpSync(DEFAULT_SCHEMA_DIR, dir, { recursive: true });
  const root = join(dir, "recipe.schema.json");
  writeFileSync(root, readFileSync(root, "utf8").replace('"title": "Recipe",', `"title": "Recipe", "$comment": "${stamp}",`));
}
const compileMs = time(() => loadSchema(copies[0]!));
const cachedMs = time(() => loadSchema(copies[1]!));

const sweep = join(tmp, "sweep.yaml");
writeFileSync(sweep, `extends: ${join(repo, "recipes", "brown-gpt.yaml")}\nsweep:\n  grid:\n    seed: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n    train.lr: [1e-4, 2e-4, 3e-4, 4e-4, 5e-4, 6e-4, 7e-4, 8e-4, 9e-4, 1e-3]\n`);
const brown = await median(() => loadRecipe(join(repo, "recipes", "brown-gpt.yaml"), { schemaDir: copies[1] }));
const trials = (await loadRecipe(sweep, { schemaDir: copies[1] })).trials.length;
const sweepMs = await median(() => loadRecipe(sweep, { schemaDir: copies[1] }));

// The stamped compile is never needed again.
rmSync(join(VALIDATOR_CACHE_DIR, `${validatorHash(readSchemaFiles(copies[0]!))}.cjs`), { force: true });
rmSync(tmp, { recursive: true, force: true });
const r = (x: number) => Math.round(x * 10) / 10;
console.log(JSON.stringify({ schema_compile_ms: r(compileMs), schema_cached_ms: r(cachedMs), load_brown_gpt_ms: r(brown), load_sweep_ms: r(sweepMs), sweep_trials: trials }));
