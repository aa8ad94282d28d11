// tokenLogprobsOf, sequenceLogprobs and sftLoss against log-softmax computed on the host from model.forward's
// logits; the head-on-response-rows path against the all-rows path; a frozen reference model off the tape.
import { describe, expect, test } from "bun:test";
import { backward, noGrad, ops, type Tensor, zeroGrad } from "@lathe/gpu";
import { makeSeqBatch, type SeqBatch, type SeqRow } from "./batch.ts";
import { sequenceLogprobs, sftLoss, tokenLogprobsOf } from "./logprobs.ts";
import { dpoLoss } from "./preference.ts";
import { cpu, evalFwd, hostLogprob, T, tinyGpt, V } from "./test-fixtures.ts";

const dev = await cpu();
const rows: SeqRow[] = [
  { ids: [3, 7, 1, 12, 5, 2, 9], mask: [0, 0, 0, 1, 1, 0, 1] }, // T+1 tokens, a masked-off target inside the response
  { ids: [4, 4, 18, 6], mask: [0, 1, 1, 1] },
  { ids: [11, 2, 8], mask: [0, 0, 1] },
];

/** Host log p of every target from model.forward's (N,V) logits, and the batch's host arrays. */
async function hostTable(b: SeqBatch, model = tinyGpt(dev)) {
  const logits = await noGrad(() => model.forward(b.ids, evalFwd())).read();
  const targets = await b.targets.read();
  const mask = await b.mask.read();
  const lp = Array.from(targets, (y, n) => (y >= 0 ? hostLogprob(logits, n, y) : 0));
  return { lp, mask: Array.from(mask) };
}

/** The same batch without its response rows: every row goes through the head. */
const allRows = (b: SeqBatch): SeqBatch => ({ ids: b.ids, targets: b.targets, mask: b.mask });

describe("log-probabilities of a batch", () => {
  test("sequenceLogprobs equals the sum of host log-softmax over each sequence's masked targets", async () => {
    const b = makeSeqBatch(dev, rows, T, 0);
    const { lp, mask } = await hostTable(b);
    const got = await sequenceLogprobs(tinyGpt(dev), b, evalFwd()).read();
    for (let s = 0; s < rows.length; s++) {
      let want = 0;
      for (let t = 0; t < T; t++) want += mask[s * T + t] * lp[s * T + t];
      expect(got[s]).toBeCloseTo(want, 4);
    }
  });

  test("tokenLogprobsOf is exactly zero at the masked-off positions and the host log p at the others", async () => {
    const b = makeSeqBatch(dev, rows, T, 0);
    const { lp, mask } = await hostTable(b);
    const got = await tokenLogprobsOf(tinyGpt(dev), b, evalFwd()).read();
    expect(mask).toEqual([0, 0, 1, 1, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
    mask.forEach((m, n) => {
      if (m === 0) expect(Math.abs(got[n])).toBe(0); // ±0
      else expect(got[n]).toBeCloseTo(lp[n], 4);
    });
  });

  test("on the all-rows head, a masked-off target's value changes nothing and a masked one changes its sequence only", async () => {
    const model = tinyGpt(dev);
    const b = makeSeqBatch(dev, rows, T, 0);
    const targets = Array.from(await b.targets.read());
    const seqWith = async (n: number, y: number) => {
      const t = targets.slice();
      t[n] = y;
      const batch = { ...allRows(b), targets: dev.tensor(Int32Array.from(t), [rows.length, T]) };
      return Array.from(await sequenceLogprobs(model, batch, evalFwd()).read());
    };
    const base = await seqWith(0, targets[0]);
    expect(await seqWith(0, 15)).toEqual(base); // (0,0): prompt target, mask 0
    expect(await seqWith(T + 0, 15)).not.toEqual(base); // (1,0): response target, mask 1
    expect((await seqWith(T + 0, 15)).filter((v, s) => v !== base[s])).toHaveLength(1);
  });

  test("sftLoss is the mean of −log p over every masked target of the batch", async () => {
    const b = makeSeqBatch(dev, rows, T, 0);
    const { lp, mask } = await hostTable(b);
    const n = mask.reduce((s, m) => s + m, 0);
    const want = -lp.reduce((s, v, i) => s + v * mask[i], 0) / n;
    expect((await sftLoss(tinyGpt(dev), b, evalFwd()).read())[0]).toBeCloseTo(want, 4);
    expect((await sftLoss(tinyGpt(dev), allRows(b), evalFwd()).read())[0]).toBeCloseTo(want, 4);
  });

  test.each([
    ["sequenceLogprobs", (m: Parameters<typeof sequenceLogprobs>[0], b: SeqBatch) => ops.sum(sequenceLogprobs(m, b, { train: true, seed: 1, site: 0 }))],
    ["sftLoss", (m: Parameters<typeof sftLoss>[0], b: SeqBatch) => sftLoss(m, b, { train: true, seed: 1, site: 0 })],
  ] as const)("%s on the response rows alone matches the all-rows head, value and gradients", async (_, f) => {
    const model = tinyGpt(dev, 7, { dropout: 0.1 }); // same dropout masks on both paths: the seed and sites match
    const b = makeSeqBatch(dev, rows, T, 0);
    const run = async (batch: SeqBatch) => {
      const params = model.params.list.map((p) => p.tensor);
      zeroGrad(params);
      const loss = f(model, batch);
      backward(loss);
      return { loss: (await loss.read())[0], grads: await Promise.all(params.map(async (p) => Array.from(await p.grad!.read()))) };
    };
    const rowsPath = await run(b);
    const full = await run(allRows(b));
    expect(rowsPath.loss).toBeCloseTo(full.loss, 5);
    rowsPath.grads.forEach((g, i) => g.forEach((v, j) => expect(v).toBeCloseTo(full.grads[i][j], 5)));
  });
});

describe("a frozen reference model", () => {
  test("records no gradients: its logprobs carry no tape and its params get no grad, while the policy's do", async () => {
    const policy = tinyGpt(dev, 7);
    const ref = tinyGpt(dev, 7);
    ref.params.freeze();
    const chosen = makeSeqBatch(dev, rows, T, 0);
    const rejected = makeSeqBatch(dev, rows.map((r) => ({ ids: r.ids.map((id) => (id * 5 + 1) % V), mask: r.mask })), T, 0);
    const f = evalFwd();
    const refLp = { chosen: sequenceLogprobs(ref, chosen, f), rejected: sequenceLogprobs(ref, rejected, f) };
    for (const t of [refLp.chosen, refLp.rejected]) {
      expect(t.requiresGrad).toBe(false);
      expect(t.node).toBeNull();
    }
    const { loss, margin } = dpoLoss({ chosen: sequenceLogprobs(policy, chosen, f), rejected: sequenceLogprobs(policy, rejected, f) }, refLp, 0.1);
    expect(Array.from(await margin.read())).toEqual([0, 0, 0]); // the policy starts as the reference
    expect((await loss.read())[0]).toBeCloseTo(Math.log(2), 6);
    backward(loss);
    for (const p of ref.params.list) expect(p.tensor.grad).toBeNull();
    const norms = await Promise.all(policy.params.list.map(async (p) => Array.from(await (p.tensor.grad as Tensor).read()).reduce((s, v) => s + v * v, 0)));
    expect(norms.reduce((s, v) => s + v, 0)).toBeGreaterThan(1e-8);
  });
});
