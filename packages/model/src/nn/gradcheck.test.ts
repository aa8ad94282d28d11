// Whole-model gradients (GPT variants, LSTM, GRU, hybrid) against central finite differences of the loss, along
// random directions over all parameters: (L(θ+εd) − L(θ−εd)) / 2ε ≈ ∇L·d. CPU backend.
import { describe, expect, test } from "bun:test";
import { backward, getDevice, noGrad } from "@lathe/gpu";
import { resolveModelConfig } from "../config.ts";
import { normalArray } from "../rng.ts";
import { forwardLoss } from "../train/trainer.ts";
import { buildModel } from "./model.ts";

const V = 23;
const B = 2;
const T = 6;
const cases: [string, Record<string, unknown>][] = [
  ["gpt (layernorm, gelu, learned, tied)", { kind: "gpt", n_layer: 2, n_head: 2, d_model: 8, context: T }],
  ["gpt (rmsnorm, swiglu, rope, untied, no bias)", { kind: "gpt", n_layer: 2, n_head: 2, d_model: 8, context: T, norm: "rmsnorm", mlp: "swiglu", pos: "rope", tie_embeddings: false, bias: false }],
  ["lstm", { kind: "rnn", cell: "lstm", n_layer: 2, hidden: 8, embedding: 6, context: T }],
  ["gru", { kind: "rnn", cell: "gru", n_layer: 1, hidden: 8, context: T }],
  ["hybrid", { kind: "hybrid", blocks: ["recurrent", "attention", "mlp"], n_head: 2, d_model: 8, context: T }],
];

describe("whole-model gradient", () => {
  test.each(cases)("of a tiny %s matches finite differences", async (_, section) => {
    const dev = await getDevice({ backend: "cpu" });
    const model = buildModel(dev, resolveModelConfig(section, V), 7);
    const inputs = Int32Array.from({ length: B * T }, (_, i) => (i * 5 + 3) % V);
    const targets = Int32Array.from({ length: B * T }, (_, i) => (i * 7 + 1) % V);
    const batch = { x: inputs, y: targets };
    const loss = forwardLoss(dev, model, batch, true, 1);
    backward(loss);
    const params = model.params.list;
    const theta = await Promise.all(params.map(async (p) => (await p.tensor.read()) as Float32Array));
    const grads = await Promise.all(params.map(async (p) => (await p.tensor.grad!.read()) as Float32Array));
    const lossAt = async (dirs: Float32Array[], eps: number): Promise<number> => {
      params.forEach((p, i) => p.tensor.write(theta[i].map((v, j) => v + eps * dirs[i][j])));
      const l = noGrad(() => forwardLoss(dev, model, batch, false, 1));
      return (await l.read())[0];
    };
    for (let k = 0; k < 3; k++) {
      const dirs = params.map((p, i) => normalArray(p.tensor.size, 1, 1000 * k + i));
      let analytic = 0;
      grads.forEach((g, i) => g.forEach((v, j) => (analytic += v * dirs[i][j])));
      const eps = 1e-3;
      const numeric = ((await lossAt(dirs, eps)) - (await lossAt(dirs, -eps))) / (2 * eps);
      expect(Math.abs(numeric - analytic)).toBeLessThan(2e-2 * Math.max(1, Math.abs(analytic)));
      expect(Math.abs(analytic)).toBeGreaterThan(1e-3); // the check is not vacuous
    }
  });
});
