// Throughput of ops.groupedMatmul (all experts in one dispatch) against E separate ops.matmul calls, one per expert,
// on the same data, measured side by side in each round; for `bun run bench train --shape moe`. Dimension letters:
// E experts, R rows per expert, I/O in/out features. Forward products only, no grad.
// Timing: wall clock from the first enqueue of `reps` products to a 4-byte read of the last output (which waits
// for all of them), after an untimed warmup of two products each (pipeline compiles, operand textures). The two sides take
// turns going first, so a slow phase of a shared machine does not always land on the same one.
import { noGrad } from "../../autograd.ts";
import { ops } from "../../ops/index.ts";
import type { Device, Tensor } from "../../tensor.ts";

export interface GroupedMatmulBenchOptions {
  readonly E: number;
  readonly R: number;
  readonly I: number;
  readonly O: number;
  /** Timed rounds, each measuring both sides. */
  readonly rounds: number;
  /** Products per side per round. @default enough for ~0.25 s at 20 GFLOP/s on WebGPU (1 GFLOP/s on the CPU backend) */
  readonly reps?: number;
}

export interface GroupedMatmulBenchRound {
  /** GFLOP/s of ops.groupedMatmul over (E,R,I)·(E,I,O). */
  readonly grouped: number;
  /** GFLOP/s of E calls of ops.matmul (R,I)·(I,O), one per expert. */
  readonly separate: number;
  /** ms per product of all experts, each way. */
  readonly groupedMs: number;
  readonly separateMs: number;
}

export interface GroupedMatmulBench {
  /** FLOPs of one product of all experts: 2·E·R·I·O. */
  readonly flop: number;
  readonly reps: number;
  readonly rounds: readonly GroupedMatmulBenchRound[];
  /** Medians over the rounds, GFLOP/s. */
  readonly grouped: number;
  readonly separate: number;
}

function seeded(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sin(i * 0.37 + seed) * 0.5;
  return out;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/**
 * ms for `reps` calls of run(), waiting for the last one. Each output is disposed once the next call is enqueued, so
 * every call after the first takes its buffers from the pool (allocation is not timed).
 */
async function timed(dev: Device, reps: number, run: () => Tensor): Promise<number> {
  const t0 = performance.now();
  let last: Tensor | null = null;
  for (let i = 0; i < reps; i++) {
    const y = run();
    last?.dispose();
    last = y;
  }
  if (last) await dev.backend.read(last.buf, 1, "f32");
  const ms = performance.now() - t0;
  last?.dispose();
  return ms;
}

/** GFLOP/s of groupedMatmul and of one ops.matmul per expert, per round, on dev (WebGPU or CPU). */
export async function benchGroupedMatmul(dev: Device, { E, R, I, O, rounds, reps }: GroupedMatmulBenchOptions): Promise<GroupedMatmulBench> {
  const flop = 2 * E * R * I * O;
  const n = reps ?? Math.max(1, Math.round((0.25 * (dev.kind === "webgpu" ? 20e9 : 1e9)) / flop));
  return noGrad(() =>
    dev.tidy(async () => {
      const [xv, wv] = [seeded(E * R * I, 1), seeded(E * I * O, 2)];
      const x = dev.tensor(xv, [E, R, I], { name: "bench.x" }); // (E,R,I)
      const w = dev.tensor(wv, [E, I, O], { name: "bench.w" }); // (E,I,O)
      const xs = Array.from({ length: E }, (_, e) => dev.tensor(xv.subarray(e * R * I, (e + 1) * R * I), [R, I], { name: `bench.x${e}` }));
      const ws = Array.from({ length: E }, (_, e) => dev.tensor(wv.subarray(e * I * O, (e + 1) * I * O), [I, O], { name: `bench.w${e}` }));
      const grouped = (): Tensor => ops.groupedMatmul(x, w);
      const separate = (): Tensor => {
        let y: Tensor | null = null;
        for (let e = 0; e < E; e++) {
          const ye = ops.matmul(xs[e], ws[e]); // (R,O)
          y?.dispose();
          y = ye;
        }
        return y!;
      };
      await timed(dev, 2, grouped);
      await timed(dev, 2, separate);
      const out: GroupedMatmulBenchRound[] = [];
      for (let r = 0; r < rounds; r++) {
        const first = r % 2 === 0;
        const a = await timed(dev, n, first ? grouped : separate);
        const b = await timed(dev, n, first ? separate : grouped);
        const [gMs, sMs] = first ? [a, b] : [b, a];
        const gflops = (ms: number): number => (flop * n) / (ms / 1000) / 1e9;
        out.push({ grouped: gflops(gMs), separate: gflops(sMs), groupedMs: gMs / n, separateMs: sMs / n });
      }
      return { flop, reps: n, rounds: out, grouped: median(out.map((r) => r.grouped)), separate: median(out.map((r) => r.separate)) };
    }),
  );
}
