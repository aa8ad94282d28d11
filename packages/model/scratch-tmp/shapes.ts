import { backward, clipGradNorm, getDevice, zeroGrad } from "@lathe/gpu";
import { resolveModelConfig } from "../src/config.ts";
import { buildModel } from "../src/nn/model.ts";
import { AdamW } from "../src/train/optimizer.ts";
import { forwardLoss } from "../src/train/trainer.ts";
const dev = await getDevice({ backend: (process.argv[2] ?? "webgpu") as "webgpu" });
const shapes = JSON.parse(process.argv[3]);
for (const s of shapes) {
  const cfg = resolveModelConfig(s.rnn ? { kind: "rnn", n_layer: s.L, hidden: s.C, context: s.T, tie_embeddings: true } : { kind: "gpt", n_layer: s.L, n_head: s.H ?? 4, d_model: s.C, context: s.T }, s.V);
  const model = buildModel(dev, cfg, 1);
  const params = model.params.list;
  const opt = new AdamW(params, { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 });
  const n = s.B * s.T;
  const x = Int32Array.from({ length: n }, (_, i) => (i * 31 + 7) % s.V), y = Int32Array.from({ length: n }, (_, i) => (i * 17 + 3) % s.V);
  const times: number[] = [];
  for (let i = 0; i < 4; i++) {
    const t0 = performance.now();
    const mode = s.fwd ? "fwd" : "train";
    const loss = dev.tidy(() => { const l = forwardLoss(dev, model, { x, y }, mode === "train", i); if (mode === "train") backward(l); return l; });
    await loss.read(); loss.dispose();
    if (mode === "train") { await clipGradNorm(params.map(p => p.tensor), 1); opt.update(1e-3); zeroGrad(params.map(p => p.tensor)); await params[0].tensor.read(); }
    times.push(performance.now() - t0);
  }
  const ms = (times[1] + times[2] + times[3]) / 3;
  console.log(JSON.stringify(s), ms.toFixed(0), "ms/step", Math.round(n / ms * 1000), "tok/s");
}
dev.destroy(); process.exit(0);
