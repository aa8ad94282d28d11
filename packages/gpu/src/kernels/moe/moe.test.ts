// A whole mixture-of-experts layer (route, dispatch over capacity, gather, two grouped matmuls with a GELU between,
// combine) plus a load-balancing loss: the loss and every gradient agree between WebGPU and the CPU backend, and
// WebGPU repeats them bit for bit.
import { expect, test } from "bun:test";
import { backward } from "../../autograd.ts";
import { ops } from "../../ops/index.ts";
import type { Device, Tensor } from "../../tensor.ts";
import { devices, ladderLogits, maxRelErr, rand } from "./fixtures.ts";

/** Loss and gradients through two matmuls of width 48/96 in f32, relative to 1 + |CPU value|. */
const TOL = 2e-4;
const [N, C, H, E, k] = [200, 48, 96, 8, 2];
/** Slots per expert: the mean load N*k/E = 50 times 1.2. */
const R = 60;

async function layer(dev: Device): Promise<{ loss: number; dropped: number; grads: Float32Array[] }> {
  return dev.tidy(async () => {
    const x = dev.tensor(rand(N * C, 1), [N, C], { requiresGrad: true, name: "x" });
    // Experts 0 and 1 are favoured (+0.15), so they get more than R assignments and drop some.
    const lv = ladderLogits(N, E, 2, 0.05).map((v, i) => v + (i % E < 2 ? 0.15 : 0));
    const logits = dev.tensor(lv, [N, E], { requiresGrad: true, name: "router" });
    const w1 = dev.tensor(rand(E * C * H, 3, 0.2), [E, C, H], { requiresGrad: true, name: "w1" });
    const b1 = dev.tensor(rand(E * H, 4, 0.1), [E, H], { requiresGrad: true, name: "b1" });
    const w2 = dev.tensor(rand(E * H * C, 5, 0.2), [E, H, C], { requiresGrad: true, name: "w2" });
    const { gates, experts, probs } = ops.moeRoute(logits, k, "softmax");
    const { rowOf, slotOf, counts } = ops.moeDispatch(experts, E, R);
    const xe = ops.reshape(ops.moeGather(x, rowOf), [E, R, C]); // (E,R,C)
    const ye = ops.groupedMatmul(ops.gelu(ops.groupedMatmul(xe, w1, { bias: b1 })), w2); // (E,R,C)
    const y = ops.moeCombine(ops.reshape(ye, [E * R, C]), slotOf, gates); // (N,C)
    // Switch-style balance loss E · Σ f_e · mean_n(p[n,e]), f_e = counts/(N*k) (a constant).
    const cnt = Int32Array.from(await counts.read());
    const f = dev.tensor(Float32Array.from(cnt, (c) => (E * c) / (N * k * N)), [E]);
    const aux = ops.sum(ops.mul(probs, f));
    const loss = ops.add(ops.sum(ops.mul(y, dev.tensor(rand(N * C, 6), [N, C]))), aux);
    backward(loss);
    const grads: Float32Array[] = [];
    for (const t of [x, logits, w1, b1, w2] as Tensor[]) grads.push((await t.grad!.read()) as Float32Array);
    return { loss: (await loss.read())[0], dropped: cnt.reduce((s, c) => s + Math.max(0, c - R), 0), grads };
  });
}

const [cpu, gpu] = [devices[0][1]!, devices[1][1]];

test.skipIf(!gpu)("a MoE layer with a balance loss gives the CPU backend's loss and gradients on WebGPU", async () => {
  const want = await layer(cpu);
  const got = await layer(gpu!);
  expect(want.dropped).toBeGreaterThan(0); // the capacity limit is exercised
  expect(got.dropped).toBe(want.dropped);
  expect(Math.abs(got.loss - want.loss) / (1 + Math.abs(want.loss))).toBeLessThan(TOL);
  got.grads.forEach((g, i) => expect(maxRelErr(g, want.grads[i])).toBeLessThan(TOL));
});

test.skipIf(!gpu)("a MoE layer's loss and gradients repeat bit for bit on WebGPU", async () => {
  const a = await layer(gpu!);
  const b = await layer(gpu!);
  expect(b.loss).toBe(a.loss);
  a.grads.forEach((g, i) => expect(Buffer.from(b.grads[i].buffer).equals(Buffer.from(g.buffer))).toBe(true));
});
