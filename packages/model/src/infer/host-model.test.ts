// The host inference path (one token at a time, KV cache / recurrent state) must give the same next-token logits
// as the training forward over the whole window, for every architecture.
import { describe, expect, test } from "bun:test";
import { getDevice, noGrad } from "@lathe/gpu";
import { resolveModelConfig } from "../config.ts";
import { buildModel } from "../nn/model.ts";
import { tensorsOf } from "../train/checkpoint.ts";
import { HostModel } from "./host-model.ts";

const V = 31;
const T = 7;
const cases: [string, Record<string, unknown>][] = [
  ["gpt", { kind: "gpt", n_layer: 2, n_head: 2, d_model: 8, context: T }],
  ["gpt with rope, rmsnorm, swiglu, untied, no bias", { kind: "gpt", n_layer: 2, n_head: 2, d_model: 8, context: T, pos: "rope", norm: "rmsnorm", mlp: "swiglu", tie_embeddings: false, bias: false }],
  ["µP gpt at 4x its base width", { kind: "gpt", n_layer: 2, n_head: 2, d_model: 8, context: T, parametrization: "mup", base_width: 2 }],
  ["µP gpt at 4x its base width, rope, untied", { kind: "gpt", n_layer: 2, n_head: 2, d_model: 16, context: T, pos: "rope", tie_embeddings: false, parametrization: "mup", base_width: 4 }],
  ["lstm", { kind: "rnn", cell: "lstm", n_layer: 2, hidden: 8, embedding: 5, context: T }],
  ["gru", { kind: "rnn", cell: "gru", n_layer: 2, hidden: 8, context: T, tie_embeddings: true }],
  ["hybrid", { kind: "hybrid", blocks: ["recurrent", "attention", "mlp", "attention"], n_head: 2, d_model: 8, context: T, cell: "gru" }],
  ["gpt with experts in every second block", { kind: "gpt", n_layer: 2, n_head: 2, d_model: 8, context: T, moe: { experts: 4, top_k: 2 } }],
  [
    "gpt with sigmoid-routed swiglu experts in every block, a shared expert, rope, rmsnorm, untied, no bias",
    { kind: "gpt", n_layer: 2, n_head: 2, d_model: 8, context: T, pos: "rope", norm: "rmsnorm", mlp: "swiglu", tie_embeddings: false, bias: false, moe: { experts: 3, top_k: 2, every: 1, router: "sigmoid", shared_experts: 1 } },
  ],
  ["hybrid with experts in its second mlp block", { kind: "hybrid", blocks: ["recurrent", "attention", "mlp", "attention", "mlp"], n_head: 2, d_model: 8, context: T, moe: { experts: 4, top_k: 1 } }],
];

describe("host inference", () => {
  test.each(cases)("of a %s matches the training forward position by position", async (_, section) => {
    const dev = await getDevice({ backend: "cpu" });
    const cfg = resolveModelConfig({ ...section, init_std: 0.3 }, V); // large init: positions really differ
    const model = buildModel(dev, cfg, 11);
    const ids = Int32Array.from({ length: T }, (_, i) => (i * 13 + 2) % V);
    const logits = (await noGrad(() => model.forward(dev.tensor(ids, [1, T]), { train: false, seed: 0, site: 0 })).read()) as Float32Array; // (T,V)
    const host = new HostModel(cfg, await tensorsOf(model.params.list));
    for (let t = 0; t < T; t++) {
      const row = host.step(ids[t]);
      for (let v = 0; v < V; v++) expect(row[v]).toBeCloseTo(logits[t * V + v], 4);
    }
    host.reset();
    expect(host.step(ids[0])[3]).toBeCloseTo(logits[3], 4); // reset clears the cache/state
  });
});
