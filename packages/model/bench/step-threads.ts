// Where a WebGPU training step's CPU time goes on a software adapter: wall ms per step and CPU ms per step of the
// main thread, of lavapipe's two busiest threads (its compute workers) and of the rest (its queue thread, Bun's
// helpers), read from /proc/self/task (Linux). --off takes Backend methods to turn into no-ops from the second
// step on (wrong numbers, real timings), to see what a group of kernels costs: --off matmul,matmulBackward.
//   bun run bench step-threads [--shape L4|L6] [--steps 30] [--off a,b]
import { readdirSync, readFileSync } from "node:fs";
import { backward, getDevice, gradNormSquared, zeroGrad } from "@lathe/gpu";
import { resolveModelConfig } from "../src/config.ts";
import { buildModel } from "../src/nn/model.ts";
import { AdamW } from "../src/train/optimizer.ts";
import { forwardLoss } from "../src/train/trainer.ts";

const args = process.argv.slice(2);
const arg = (k: string): string | undefined => {
  const i = args.indexOf(`--${k}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const shape = arg("shape") === "L6" ? { L: 6, C: 384, H: 6, T: 256, B: 8 } : { L: 4, C: 128, H: 4, T: 64, B: 12 };
const steps = Number(arg("steps") ?? (shape.L === 6 ? 3 : 30));
const off = (arg("off") ?? "").split(",").filter(Boolean);

/** CPU ms so far of each thread of this process (utime + stime, USER_HZ = 100). */
function threadCpuMs(): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of readdirSync("/proc/self/task")) {
    const s = readFileSync(`/proc/self/task/${t}/stat`, "utf8");
    const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
    m.set(t, (Number(f[11]) + Number(f[12])) * 10);
  }
  return m;
}

const dev = await getDevice({ backend: "webgpu" });
const be = dev.backend as unknown as Record<string, unknown>;
const cfg = resolveModelConfig({ kind: "gpt", n_layer: shape.L, n_head: shape.H, d_model: shape.C, context: shape.T }, 256);
const model = buildModel(dev, cfg, 1);
const params = model.params.list.map((p) => p.tensor);
const opt = new AdamW(model.params.list, { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 });
const n = shape.B * shape.T;
const x = Int32Array.from({ length: n }, (_, i) => (i * 31 + 7) % 256);
const y = Int32Array.from({ length: n }, (_, i) => (i * 17 + 3) % 256);
const times: number[] = [];
let c0 = threadCpuMs();
let w0 = 0;
for (let i = 0; i <= steps; i++) {
  if (i === 1) {
    for (const k of off) be[k] = () => {};
    c0 = threadCpuMs();
    w0 = performance.now();
  }
  const t0 = performance.now();
  const loss = dev.tidy(() => {
    const l = forwardLoss(dev, model, { x, y }, true, i);
    backward(l);
    return l;
  });
  const normSq = gradNormSquared(params)!;
  opt.update(1e-3, { normSq, maxNorm: 1 });
  await loss.read();
  await normSq.read();
  loss.dispose();
  normSq.dispose();
  zeroGrad(params);
  times.push(performance.now() - t0);
}
const wall = (performance.now() - w0) / steps;
const c1 = threadCpuMs();
const perStep = [...c1].map(([t, v]) => [t, (v - (c0.get(t) ?? 0)) / steps] as const);
const main = perStep.find(([t]) => t === String(process.pid))?.[1] ?? 0;
const others = perStep.filter(([t]) => t !== String(process.pid)).map(([, v]) => v).sort((a, b) => b - a);
const sorted = times.slice(1).sort((a, b) => a - b);
const r1 = (v: number): number => Math.round(v * 10) / 10;
console.log(JSON.stringify({
  bench: "step-threads", shape: `L${shape.L}-C${shape.C}-T${shape.T}-B${shape.B}`, steps, off,
  wall_ms_per_step: r1(wall), median_ms: r1(sorted[sorted.length >> 1]), min_ms: r1(sorted[0]),
  cpu_ms_per_step: { main: r1(main), workers: r1((others[0] ?? 0) + (others[1] ?? 0)), rest: r1(others.slice(2).reduce((a, b) => a + b, 0)) },
}, null, 2));
process.exit(0);
