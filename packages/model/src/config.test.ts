// Config resolution: defaults from the section schemas, checks the schema cannot express, and the messages.
import { describe, expect, test } from "bun:test";
import { getDevice } from "@lathe/gpu";
import { parseDuration, resolveModelConfig, resolveTrainConfig } from "./config.ts";
import { ModelConfigError } from "./errors.ts";
import { checkFits, estimate } from "./estimate.ts";
import { buildModel } from "./nn/model.ts";
import { DoesNotFitError } from "./errors.ts";
import { SectionValueError } from "@lathe/recipe";

describe("model config", () => {
  test("fills every default of the chosen kind and adds the vocabulary size", () => {
    const c = resolveModelConfig({ kind: "rnn", hidden: 64 }, 100);
    expect(c).toEqual({ kind: "rnn", cell: "lstm", n_layer: 2, hidden: 64, embedding: 64, context: 256, tie_embeddings: false, dropout: 0, init_std: 0.02, vocab_size: 100 });
  });

  test.each([
    [{ n_head: 5, d_model: 64 }, "/model/n_head: d_model 64 is not divisible by n_head (got 5). Hint: pick n_head dividing 64, e.g. 4"],
    [{ kind: "rnn", hidden: 32, embedding: 16, tie_embeddings: true }, "/model/tie_embeddings: embedding 16 differs from hidden 32 (got true). Hint: tying needs embedding == hidden (or 0)"],
  ])("rejects %o with a message naming the field", (section, message) => {
    expect(() => resolveModelConfig(section, 10)).toThrow(ModelConfigError);
    expect(() => resolveModelConfig(section, 10)).toThrow(message);
  });

  // Schema problems come from @lathe/recipe's validator, with the same messages a recipe file gets.
  test.each([
    [{ heads: 4 }, "/model does not match any of the forms gpt, rnn, hybrid. Hint: as gpt: /model/heads is not a known key."],
    [{ kind: "mamba" }, '/model/kind must be one of "gpt", "rnn", "hybrid", got string "mamba".'],
  ])("rejects %o at the field with the recipe validator's message", (section, message) => {
    expect(() => resolveModelConfig(section, 10)).toThrow(SectionValueError);
    expect(() => resolveModelConfig(section, 10)).toThrow(message);
  });
});

describe("train config", () => {
  test("fills defaults, including the nested sample settings", () => {
    const t = resolveTrainConfig({ lr: 3e-4 });
    expect(t.lr).toBe(3e-4);
    expect(t.schedule).toBe("cosine");
    expect(t.sample.temperature).toBe(0.8);
  });
  test.each([
    ["10m", 600_000],
    ["90s", 90_000],
    ["1.5h", 5_400_000],
    ["500ms", 500],
    ["9m30s", 570_000],
    ["1h 15m", 4_500_000],
    ["2min", 120_000],
    ["45", 45_000],
    [30, 30_000],
    [0, 0],
  ] as const)("reads the duration %p as %d ms", (v, ms) => {
    expect(parseDuration(v)).toBe(ms);
  });
  test("rejects a malformed time budget", () => {
    expect(() => resolveTrainConfig({ time_budget: "ten minutes" })).toThrow('/train/time_budget must match the pattern');
    expect(() => resolveTrainConfig({ time_budget: "9m30" })).toThrow('write e.g. "10m"');
  });
});

describe("estimate", () => {
  test.each([
    ["gpt", { kind: "gpt", n_layer: 2, n_head: 2, d_model: 16, context: 8 }],
    ["gpt untied swiglu rope no-bias", { kind: "gpt", n_layer: 2, n_head: 2, d_model: 16, context: 8, tie_embeddings: false, mlp: "swiglu", pos: "rope", bias: false, norm: "rmsnorm" }],
    ["lstm", { kind: "rnn", n_layer: 2, hidden: 16, embedding: 8, context: 8 }],
    ["gru", { kind: "rnn", cell: "gru", n_layer: 1, hidden: 16, context: 8 }],
    ["hybrid", { kind: "hybrid", blocks: ["recurrent", "attention", "mlp"], d_model: 16, n_head: 2, context: 8 }],
  ])("counts the parameters of a %s exactly", async (_, section) => {
    const cfg = resolveModelConfig(section, 50);
    const model = buildModel(await getDevice({ backend: "cpu" }), cfg, 1);
    expect(estimate(cfg, 4).params).toBe(model.params.count());
  });

  test("gives GPT-2 small's 124M parameters and ~6N FLOPs per token", () => {
    const e = estimate(resolveModelConfig({ n_layer: 12, n_head: 12, d_model: 768, context: 1024 }, 50257), 1);
    expect(e.params).toBe(124_439_808);
    expect(e.flopsPerToken / (6 * e.params)).toBeGreaterThan(1);
    expect(e.flopsPerToken / (6 * e.params)).toBeLessThan(1.6);
  });

  test("refuses a run whose logits exceed the device's largest buffer, with the numbers", () => {
    const cfg = resolveModelConfig({ n_layer: 1, n_head: 1, d_model: 8, context: 1024 }, 50257);
    const e = estimate(cfg, 8);
    expect(() => checkFits(e, { maxBufferBytes: 128 * 2 ** 20, memoryBytes: 2 ** 40 }, 8, 1024)).toThrow(DoesNotFitError);
    expect(() => checkFits(e, { maxBufferBytes: 128 * 2 ** 20, memoryBytes: 2 ** 40 }, 8, 1024)).toThrow(/the largest buffer needs 1\.53 GiB but the device allows 128\.0 MiB/);
  });
});
