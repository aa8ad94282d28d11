// Config resolution: defaults from the section schemas, checks the schema cannot express, and the messages.
import { describe, expect, test } from "bun:test";
import { getDevice } from "@lathe/gpu";
import { expectedDropAtInit, modelIssues, modelSectionDefaults, parseDuration, resolveModelConfig, resolveTrainConfig } from "./config.ts";
import { ModelConfigError } from "./errors.ts";
import { checkFits, estimate, formatEstimate } from "./estimate.ts";
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
    [{ moe: { experts: 4, top_k: 5 } }, "/model/moe/top_k: each token would go to 5 of only 4 experts (got 5). Hint: set top_k to at most 4, or raise experts"],
    [{ n_layer: 3, moe: { every: 4 } }, "/model/moe/every: every 4 is larger than n_layer 3, so no block would get experts (got 4). Hint: set every to at most 3 (1 = every block)"],
    [
      { kind: "hybrid", blocks: ["attention", "mlp", "attention", "mlp"], moe: { every: 3 } },
      "/model/moe/every: every 3 is larger than the 2 mlp blocks of blocks, so no block would get experts (got 3). Hint: set every to at most 2 (1 = every block)",
    ],
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

describe("model checks", () => {
  test("a dense model's section has no moe key, so its train key and config.json are as before experts existed", () => {
    expect(modelSectionDefaults({ n_layer: 2 })).not.toHaveProperty("moe");
    expect(modelSectionDefaults({ n_layer: 2, moe: null })).not.toHaveProperty("moe");
    expect(modelSectionDefaults({ moe: { experts: 4 } }).moe).toEqual({ experts: 4, top_k: 2, every: 2, capacity_factor: 1.25, shared_experts: 0, router: "softmax", aux_loss: 0.01, z_loss: 0.001 });
  });

  test("reports every error at once, in the order of the fields", () => {
    const issues = modelIssues(modelSectionDefaults({ n_head: 5, d_model: 64, n_layer: 1, moe: { experts: 2, top_k: 3 } }));
    expect(issues.map((i) => `${i.severity} ${i.pointer}`)).toEqual(["error /model/n_head", "error /model/moe/top_k", "error /model/moe/every"]);
  });

  test("warns, with the numbers, when the capacity would drop more than half of the tokens at init", () => {
    const section = modelSectionDefaults({ moe: { experts: 8, top_k: 2, capacity_factor: 0.25 } });
    expect(modelIssues(section, { tokens: 1024 })).toEqual([
      {
        severity: "warning", pointer: "/model/moe/capacity_factor", value: 0.25,
        problem: "about 75% of the 2048 token-expert assignments of a batch (1024 tokens x top_k 2) would be dropped at init: each of the 8 experts takes 64",
        hint: "raise capacity_factor to at least 1 (an even share: 256 per expert)",
      },
    ]);
    expect(modelIssues(modelSectionDefaults({ moe: { capacity_factor: 0.6 } }), { tokens: 1024 })).toEqual([]);
  });

  test.each([
    [1000, 8, 2, 250, 0.0218], // the load is Binomial(1000, 1/4): sd 13.7, E[excess over its mean] ≈ 0.4 sd,
    [1000, 8, 2, 313, 0],
    [64, 4, 1, 8, 0.5],
    [64, 4, 4, 40, 0.375],
  ])("expects %d tokens to %d experts (top %d, %d slots) to drop %d of the assignments at init", (N, E, k, cap, drop) => {
    expect(expectedDropAtInit(N, E, k, cap)).toBeCloseTo(drop, 3);
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
    ["gpt with experts", { kind: "gpt", n_layer: 2, n_head: 2, d_model: 16, context: 8, moe: { experts: 4, top_k: 2 } }],
    ["gpt with swiglu experts and shared ones", { kind: "gpt", n_layer: 2, n_head: 2, d_model: 16, context: 8, mlp: "swiglu", bias: false, moe: { experts: 4, every: 1, shared_experts: 2 } }],
    ["hybrid with experts", { kind: "hybrid", blocks: ["attention", "mlp", "recurrent", "mlp"], d_model: 16, n_head: 2, context: 8, moe: { experts: 3, top_k: 1, every: 1 } }],
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

  test("counts a token's active parameters and FLOPs with top_k of the experts", () => {
    const dense = estimate(resolveModelConfig({ n_layer: 2, n_head: 2, d_model: 16, context: 8 }, 50), 4);
    const moe = estimate(resolveModelConfig({ n_layer: 2, n_head: 2, d_model: 16, context: 8, moe: { experts: 8, top_k: 2 } }, 50), 4);
    const expert = 16 * 64 + 64 + 64 * 16 + 16; // c_fc, its bias, c_proj, its bias
    const router = 16 * 8;
    expect(moe.params - dense.params).toBe(7 * expert + router);
    expect(moe.activeParams - dense.activeParams).toBe(expert + router);
    expect(dense.activeParams).toBe(dense.params);
    expect(moe.flopsPerToken - dense.flopsPerToken).toBe(6 * (expert + router));
    expect(moe.moe).toEqual({ layers: 1, experts: 8, topK: 2, capacity: 10, dropAtInit: expect.any(Number) });
    expect(formatEstimate(moe, 4, 8).split("\n")[1]).toBe("mixture of experts: 1 layer of 8 experts, top 2; active params 9.8K (9,776) per token; capacity 10 per expert at B*T=32");
  });

  test("refuses a run whose logits exceed the device's largest buffer, with the numbers", () => {
    const cfg = resolveModelConfig({ n_layer: 1, n_head: 1, d_model: 8, context: 1024 }, 50257);
    const e = estimate(cfg, 8);
    expect(() => checkFits(e, { maxBufferBytes: 128 * 2 ** 20, memoryBytes: 2 ** 40 }, 8, 1024)).toThrow(DoesNotFitError);
    expect(() => checkFits(e, { maxBufferBytes: 128 * 2 ** 20, memoryBytes: 2 ** 40 }, 8, 1024)).toThrow(/the largest buffer needs 1\.53 GiB but the device allows 128\.0 MiB/);
  });
});
