import { backward, getDevice, zeroGrad, createCpuBackend, Device } from "@lathe/gpu";
import { resolveModelConfig } from "../src/config.ts";
import { buildModel } from "../src/nn/model.ts";
import { forwardLoss } from "../src/train/trainer.ts";
const be = createCpuBackend() as any;
const times: Record<string, number> = {};
for (const k of Object.keys(Object.getPrototypeOf(be)).concat(Object.keys(be))) {
  const f = be[k]; if (typeof f !== "function") continue;
  be[k] = (...a: any[]) => { const t = performance.now(); const r = f.apply(be, a); times[k] = (times[k] ?? 0) + performance.now() - t; return r; };
}
const dev = new Device(be);
const cfg = resolveModelConfig({ kind: "gpt", n_layer: 4, n_head: 4, d_model: 128, context: 64 }, 256);
const model = buildModel(dev, cfg, 1);
const n = 12 * 64;
const inputs = Int32Array.from({ length: n }, (_, i) => (i * 31 + 7) % 256);
const targets = Int32Array.from({ length: n }, (_, i) => (i * 17 + 3) % 256);
for (let i = 0; i < 2; i++) { const l = dev.tidy(() => { const l = forwardLoss(dev, model, { x: inputs, y: targets }, true, i); backward(l); return l; }); await l.read(); zeroGrad(model.params.list.map(p => p.tensor)); }
console.log(Object.entries(times).sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => `${k} ${v.toFixed(0)}`).join("\n"));
