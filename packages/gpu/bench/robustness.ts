// Measures Dawn's disable_robustness toggle: the same kernels timed with robustness on and off, as JSON.
// Run: bun run bench robustness
import { createWebGpuBackend } from "../src/webgpu-backend.ts";
import { Device } from "../src/tensor.ts";
import { ops } from "../src/ops/index.ts";
import { noGrad } from "../src/autograd.ts";
import type { Tensor } from "../src/tensor.ts";

async function time(dev: Device, fn: () => Tensor, reps: number): Promise<number> {
  await noGrad(() => dev.tidy(() => fn())).read(); // warm-up (pipeline compile)
  const t0 = performance.now();
  let last: Tensor | null = null;
  for (let i = 0; i < reps; i++) {
    last?.dispose();
    last = noGrad(() => fn());
  }
  await last!.read();
  return (performance.now() - t0) / reps;
}

type Bench = Record<string, () => Tensor>;

async function setup(robust: boolean): Promise<{ dev: Device; benches: Bench }> {
  const dev = new Device(await createWebGpuBackend({ robust }));
  const a = dev.randn([512, 512], 1, 1);
  const b = dev.randn([512, 512], 1, 2);
  const x = dev.randn([2048, 768], 1, 3);
  const w = dev.randn([768], 1, 4);
  const bias = dev.randn([768], 1, 5);
  const qkv = dev.randn([4, 64, 3 * 128], 1, 6);
  return {
    dev,
    benches: {
      matmul512: () => ops.matmul(a, b),
      add_2048x768: () => ops.add(x, x),
      layernorm_2048x768: () => ops.layerNorm(x, w, bias),
      attention_4x64x128h4: () => ops.attention(qkv, 4),
    },
  };
}

const median = (v: number[]): number => [...v].sort((p, q) => p - q)[Math.floor(v.length / 2)];

// Both devices live at once and the rounds alternate, so machine noise hits both sides alike.
const on = await setup(true);
const off = await setup(false);
const ms: Record<string, { on: number[]; off: number[] }> = {};
for (let round = 0; round < 7; round++) {
  for (const [name, fn] of Object.entries(on.benches)) {
    ms[name] ??= { on: [], off: [] };
    ms[name].on.push(await time(on.dev, fn, 5));
    ms[name].off.push(await time(off.dev, off.benches[name], 5));
  }
}
const result: Record<string, { robust_ms: number; disabled_ms: number; speedup: number }> = {};
for (const [name, v] of Object.entries(ms)) {
  const r = median(v.on);
  const d = median(v.off);
  result[name] = { robust_ms: +r.toFixed(3), disabled_ms: +d.toFixed(3), speedup: +(r / d).toFixed(3) };
}
console.log(JSON.stringify({ adapter: (on.dev.backend as unknown as { runtime: { name: string } }).runtime.name, rounds: 7, median_of: "7 rounds x 5 reps", result }));
on.dev.destroy();
off.dev.destroy();
process.exit(0);
