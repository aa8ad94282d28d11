// Runtime wait benchmark: a loop of "steps" (a few 512 matmuls, then a read of the result) timed by wall clock and
// by process CPU time, to measure Runtime's sleep-before-wait (run once with LATHE_WAIT_SLEEP=0 to compare).
// Run: flock /tmp/lathe-bench.lock bun run bench wait [--steps 30]
import { acquireDevice } from "../src/device.ts";
import { Runtime } from "../src/runtime.ts";
import { matmulForward } from "../src/kernels/matmul/matmul.ts";

const i = process.argv.indexOf("--steps");
const steps = i >= 0 ? Number(process.argv[i + 1]) : 30;
const rt = new Runtime(await acquireDevice());
const n = 512;
const a = rt.alloc(n * n * 4, "a"), b = rt.alloc(n * n * 4, "b"), c = rt.alloc(n * n * 4, "c"); // (n, n) each
const x = new Float32Array(n * n).map((_, j) => Math.sin(j * 0.37) * 0.5);
rt.write(a, x); rt.write(b, x);
const d = { batch: 1, M: n, N: n, K: n, bBatched: false };
const step = async (mm: number) => {
  for (let r = 0; r < mm; r++) matmulForward(rt, c, a, b, null, d, { transA: false, transB: false });
  await rt.read(c, 16);
};
for (let w = 0; w < 3; w++) { await step(8); await step(1); } // warmup: compile, and two wait estimates
const t0 = performance.now(), c0 = process.cpuUsage();
for (let s = 0; s < steps; s++) { await step(8); await step(1); }
const wall = performance.now() - t0, cu = process.cpuUsage(c0);
console.log(JSON.stringify({
  sleep: process.env.LATHE_WAIT_SLEEP !== "0", steps, msPerStep: +(wall / steps).toFixed(2),
  cpuCoresUsed: +((cu.user + cu.system) / 1000 / wall).toFixed(2),
  gflops: +((9 * 2 * n ** 3 * steps) / (wall / 1000) / 1e9).toFixed(2),
}));
rt.destroy();
process.exit(0);
