// Sweep expansion: grid (cartesian), zip (paired), random (seeded samples), their product, and determinism.
import { describe, expect, test } from "bun:test";
import { expandTrials } from "./load.ts";
import { drawParam, mulberry32 } from "./random.ts";
import { loadFixture } from "./test-fixtures.ts";

const param = (p: Partial<{ min: number; max: number; log: boolean; int: boolean; choices: unknown[] }>) => ({ min: 0, max: 1, log: false, int: false, choices: [], ...p });

describe("sweep expansion", () => {
  test("grid makes the cartesian product, the last key varying fastest", async () => {
    const { trials } = await loadFixture({ "x.yaml": "sweep:\n  grid:\n    seed: [1, 2]\n    serve.port: [80, 81, 82]\n" });
    expect(trials.map((t) => t.name)).toEqual(["trial-1", "trial-2", "trial-3", "trial-4", "trial-5", "trial-6"]);
    expect(trials.map((t) => t.overrides)).toEqual([
      { seed: 1, "serve.port": 80 },
      { seed: 1, "serve.port": 81 },
      { seed: 1, "serve.port": 82 },
      { seed: 2, "serve.port": 80 },
      { seed: 2, "serve.port": 81 },
      { seed: 2, "serve.port": 82 },
    ]);
    expect(trials.map((t) => [t.recipe.seed, t.recipe.serve.port])).toEqual([[1, 80], [1, 81], [1, 82], [2, 80], [2, 81], [2, 82]]);
  });

  test("zip changes its lists together", async () => {
    const { trials } = await loadFixture({ "x.yaml": "sweep:\n  zip:\n    serve.port: [80, 81, 82]\n    serve.host: [a, b, c]\n" });
    expect(trials.map((t) => `${t.recipe.serve.host}:${t.recipe.serve.port}`)).toEqual(["a:80", "b:81", "c:82"]);
  });

  test("grid × zip × random gives the product of their sizes", async () => {
    const { trials } = await loadFixture({
      "x.yaml": "sweep:\n  grid:\n    seed: [1, 2]\n  zip:\n    serve.port: [80, 81]\n    serve.host: [a, b]\n  random:\n    n: 3\n    params:\n      finetune.lr: {min: 1e-5, max: 1e-3, log: true}\n",
    });
    expect(trials).toHaveLength(12);
    expect(new Set(trials.map((t) => JSON.stringify(t.overrides))).size).toBe(12);
    for (const t of trials) expect(Object.keys(t.overrides)).toEqual(["seed", "serve.port", "serve.host", "finetune.lr"]);
  });

  test("each trial's recipe keeps the sweep's per-trial settings but not what expands it, while the base keeps it all", async () => {
    const loaded = await loadFixture({ "x.yaml": "sweep:\n  grid:\n    seed: [1, 2]\n  early_stop:\n    method: asha\n  select:\n    metric: val_bpb\n" });
    expect(loaded.recipe.sweep.grid).toEqual({ seed: [1, 2] });
    for (const t of loaded.trials) {
      expect(t.recipe.sweep.grid).toEqual({});
      expect(t.recipe.sweep.zip).toEqual({});
      expect(t.recipe.sweep.random).toEqual({ n: 0, seed: null, params: {} });
      expect(t.recipe.sweep.early_stop.method).toBe("asha");
      expect(t.recipe.sweep.select).toEqual({ metric: "val_bpb", mode: "min" });
    }
  });

  test("sweeping a variable changes every value that references it", async () => {
    const { trials } = await loadFixture({ "x.yaml": "vars:\n  width: 1\nserve:\n  port: ${width}\n  host: w${width}\nsweep:\n  grid:\n    vars.width: [100, 200]\n" });
    expect(trials.map((t) => [t.recipe.serve.port, t.recipe.serve.host])).toEqual([[100, "w100"], [200, "w200"]]);
  });

  test("random samples are the same on every load and change with the seed", async () => {
    const recipe = (seed: number) => ({
      "x.yaml": `seed: ${seed}\nsweep:\n  random:\n    n: 5\n    params:\n      finetune.lr: {min: 1e-5, max: 1e-2, log: true}\n      eval.split: {choices: [val, test]}\n      serve.port: {min: 8000, max: 8010, int: true}\n`,
    });
    const a = await loadFixture(recipe(1));
    const b = await loadFixture(recipe(1));
    const c = await loadFixture(recipe(2));
    expect(a.trials.map((t) => t.overrides)).toEqual(b.trials.map((t) => t.overrides));
    expect(a.trials.map((t) => t.overrides)).not.toEqual(c.trials.map((t) => t.overrides));
    expect(expandTrials(a).map((t) => t.overrides)).toEqual(a.trials.map((t) => t.overrides));
    for (const t of a.trials) {
      expect((t.recipe.finetune as unknown as { lr: number }).lr).toBeGreaterThanOrEqual(1e-5);
      expect((t.recipe.finetune as unknown as { lr: number }).lr).toBeLessThanOrEqual(1e-2);
      expect(["val", "test"]).toContain(t.recipe.eval.split);
      expect(Number.isInteger(t.recipe.serve.port)).toBe(true);
    }
  });

  test("sweep.random.seed overrides the recipe seed for sampling", async () => {
    const recipe = (seed: number) => ({ "x.yaml": `seed: ${seed}\nsweep:\n  random:\n    n: 3\n    seed: 7\n    params:\n      finetune.lr: {min: 0.1, max: 0.9}\n` });
    const a = await loadFixture(recipe(1));
    const b = await loadFixture(recipe(2));
    expect(a.trials.map((t) => t.overrides)).toEqual(b.trials.map((t) => t.overrides));
  });
});

describe("random draws", () => {
  const draws = (p: ReturnType<typeof param>, n = 4000) => {
    const rng = mulberry32(42);
    return Array.from({ length: n }, () => drawParam(p, rng()) as number);
  };

  test("uniform draws stay in range and average to the midpoint", () => {
    const xs = draws(param({ min: 2, max: 4 }));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...xs)).toBeLessThanOrEqual(4);
    expect(xs.reduce((s, x) => s + x, 0) / xs.length).toBeCloseTo(3, 1);
  });

  test("log-uniform draws put half their mass below the geometric midpoint", () => {
    const xs = draws(param({ min: 1e-5, max: 1e-1, log: true }));
    const below = xs.filter((x) => x < 1e-3).length / xs.length;
    expect(Math.abs(below - 0.5)).toBeLessThan(0.05);
  });

  test("integer draws cover both ends of the range", () => {
    const xs = draws(param({ min: 1, max: 4, int: true }));
    expect([...new Set(xs)].sort()).toEqual([1, 2, 3, 4]);
  });

  test("log-integer draws stay within the range", () => {
    const xs = draws(param({ min: 1, max: 64, int: true, log: true }));
    expect(Math.min(...xs)).toBe(1);
    expect(Math.max(...xs)).toBe(64);
    expect(xs.every(Number.isInteger)).toBe(true);
  });

  test("choices are each picked about equally often", () => {
    const xs = draws(param({ choices: ["a", "b", "c"] }), 3000) as unknown as string[];
    for (const c of ["a", "b", "c"]) expect(Math.abs(xs.filter((x) => x === c).length / 3000 - 1 / 3)).toBeLessThan(0.04);
  });
});

test("a sweep that expands to more trials than sweep.limit is one error at the sweep, naming both numbers", async () => {
  const e = await loadFixture({ "x.yaml": "sweep:\n  limit: 3\n  grid:\n    seed: [1, 2]\n    train.lr: [0.1, 0.2]\n" }).catch((x: unknown) => x);
  expect((e as Error).message).toContain("/sweep makes 4 trials, more than sweep.limit (3). Hint: sweep fewer values, use sweep.random with a smaller n, or raise sweep.limit (at most 10000).");
});
