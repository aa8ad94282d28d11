import { getDevice } from "@lathe/gpu";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { trainModel } from "../src/index.ts";
const dev = await getDevice({ backend: "webgpu" });
const variants: [string, object, object][] = JSON.parse(process.argv[2]);
for (const [name, m, t] of variants) {
  const losses: string[] = [];
  const s = await trainModel({ model: { kind: "rnn", n_layer: 2, hidden: 128, context: 64, tie_embeddings: true, dropout: 0.1, ...m }, train: { batch_size: 16, steps: 80, warmup_steps: 10, lr: 3e-3, min_lr: 3e-4, eval_every: 0, eval_batches: 8, ...t }, seed: 1, packDir: "/tmp/mh/cache/stages/2e42a2e8f472ff671e29a9f0ec4f809a5b17d7653f78969885f282853f55d7dc/out", outDir: mkdtempSync(join(tmpdir(), "ab-")), scratchDir: mkdtempSync(join(tmpdir(), "ab-")), device: dev, metric: (n, v, st) => { if (n === "loss" && st! % 20 === 0) losses.push(v.toFixed(3)); } });
  console.log(name, losses.join(" "), "val", s.val_loss?.toFixed(3));
}
dev.destroy(); process.exit(0);
