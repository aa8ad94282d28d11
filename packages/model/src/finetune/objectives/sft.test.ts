// Learning with sftLoss: a tiny GPT memorizes a planted 4-item Q&A set in 30 AdamW steps, so that greedy
// decoding at every response position gives the target (loss on the answers only, the prompts are never fit).
import { describe, expect, test } from "bun:test";
import { backward, noGrad, ops, zeroGrad } from "@lathe/gpu";
import { resolveModelConfig } from "../../config.ts";
import { buildModel } from "../../nn/model.ts";
import { AdamW } from "../../train/optimizer.ts";
import { makeSeqBatch, type SeqRow } from "./batch.ts";
import { sftLoss } from "./logprobs.ts";
import { cpu } from "./test-fixtures.ts";

const [BOS, SEP, EOS] = [1, 2, 3];
// question token → answer; answers share tokens, so each next token depends on the question, not just the last token.
const qa: [number, number[]][] = [
  [4, [8, 9, 10]],
  [5, [9, 8, 11]],
  [6, [10, 11, 8]],
  [7, [11, 10, 9]],
];
const rows: SeqRow[] = qa.map(([q, a]) => ({ ids: [BOS, q, SEP, ...a, EOS], mask: [0, 0, 0, 1, 1, 1, 1] }));

describe("sftLoss", () => {
  test("trains a tiny GPT to answer a planted Q&A set exactly under greedy decoding", async () => {
    const dev = await cpu();
    const model = buildModel(dev, resolveModelConfig({ kind: "gpt", n_layer: 2, n_head: 2, d_model: 32, context: 8, dropout: 0, init_std: 0.1 }, 16), 3); // at init_std 0.02 and this lr, attention stalls at 12/16·ln 4
    const opt = new AdamW(model.params.list, { beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0 });
    const params = model.params.list.map((p) => p.tensor);
    const batch = makeSeqBatch(dev, rows, 8, EOS);
    const losses: number[] = [];
    for (let step = 0; step < 30; step++) {
      const loss = dev.tidy(() => {
        const l = sftLoss(model, batch, { train: true, seed: step, site: 0 });
        backward(l);
        return l;
      });
      opt.update(1e-2);
      zeroGrad(params);
      losses.push((await loss.read())[0]);
      loss.dispose();
    }
    expect(losses[0]).toBeGreaterThan(2); // ≈ ln 16 at init
    expect(losses[losses.length - 1]).toBeLessThan(0.05);
    const { greedy } = noGrad(() => ops.tokenScores(model.forward(batch.ids, { train: false, seed: 0, site: 0, rows: batch.response!.rows }), batch.response!.targets));
    expect(Array.from(await greedy.read())).toEqual(new Array(16).fill(1)); // 4 items × (3 answer tokens + EOS)
  });
});
