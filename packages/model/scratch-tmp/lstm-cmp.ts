import { backward, getDevice } from "@lathe/gpu";
import { resolveModelConfig } from "../src/config.ts";
import { buildModel } from "../src/nn/model.ts";
import { forwardLoss } from "../src/train/trainer.ts";
for (const [Hd, B, T] of [[16, 2, 8], [128, 4, 16], [128, 16, 64]]) {
  const res: Float32Array[][] = [];
  const losses: number[] = [];
  for (const backend of ["cpu", "webgpu"] as const) {
    const dev = await getDevice({ backend });
    const cfg = resolveModelConfig({ kind: "rnn", n_layer: 2, hidden: Hd, context: T, tie_embeddings: true, init_std: 0.1 }, 300);
    const m = buildModel(dev, cfg, 1);
    const x = Int32Array.from({ length: B * T }, (_, i) => (i * 37 + 5) % 300), y = Int32Array.from({ length: B * T }, (_, i) => (i * 11 + 3) % 300);
    const l = forwardLoss(dev, m, { x, y }, false, 0);
    backward(l);
    losses.push((await l.read())[0]);
    res.push(await Promise.all(m.params.list.map(async p => (await p.tensor.grad!.read()) as Float32Array)));
    console.log(backend, m.params.list.map(p => p.name).join(","));
    dev.destroy();
  }
  const diffs = res[0].map((g, i) => { let mx = 0, n = 0; g.forEach((v, j) => { mx = Math.max(mx, Math.abs(v - res[1][i][j])); n = Math.max(n, Math.abs(v)); }); return `${mx.toExponential(1)}/${n.toExponential(1)}`; });
  console.log(`Hd=${Hd} B=${B} T=${T} loss cpu ${losses[0]} gpu ${losses[1]}; grad maxdiff/max per param: ${diffs.join(" ")}`);
}
process.exit(0);
