import { getDevice, backward, ops } from "@lathe/gpu";
import { resolveModelConfig } from "../src/config.ts";
import { buildModel } from "../src/nn/model.ts";
import { forwardLoss } from "../src/train/trainer.ts";
const dev = await getDevice({ backend: "cpu" });
for (const m of [{ kind: "gpt", n_layer: 2, n_head: 2, d_model: 16, context: 8 }, { kind: "rnn", n_layer: 2, hidden: 16, context: 8 }, { kind: "hybrid", blocks: ["recurrent","attention","mlp"], n_head: 2, d_model: 16, context: 8 }, { kind: "gpt", n_layer: 2, n_head: 2, d_model: 16, context: 8, pos: "rope", norm: "rmsnorm", mlp: "swiglu", bias: false, tie_embeddings: false }]) {
  const cfg = resolveModelConfig(m, 50);
  const model = buildModel(dev, cfg, 1);
  const B = 3, T = 8;
  const inputs = Int32Array.from({ length: B * T }, (_, i) => (i * 7) % 50);
  const targets = Int32Array.from({ length: B * T }, (_, i) => (i * 11) % 50);
  const t0 = performance.now();
  const loss = forwardLoss(dev, model, { inputs, targets }, true, 1);
  backward(loss);
  console.log(m.kind, (await loss.read())[0], Math.log(50), model.params.count(), (performance.now() - t0).toFixed(1), "ms", model.params.list.every(p => p.tensor.grad));
}
