// groupAdvantages on hand cases; grpoLoss's value, KL and gradient: −A/(n·B) per masked token at ratio 1 without
// KL, and central finite differences of its value with KL and an off-policy ratio.
import { describe, expect, test } from "bun:test";
import { backward } from "@lathe/gpu";
import { makeSeqBatch } from "./batch.ts";
import { groupAdvantages, grpoLoss } from "./grpo.ts";
import { tokenLogprobsOf } from "./logprobs.ts";
import { cpu, evalFwd, tinyGpt } from "./test-fixtures.ts";

const dev = await cpu();
const B = 2;
const T = 4;
const lp = [-1.2, -0.3, -2.0, -0.7, -0.9, -1.5, -0.1, -3.0]; // (B,T)
const ref = [-1.0, -0.5, -2.4, -0.2, -1.1, -1.0, -0.3, -2.0];
const old = [-1.1, -0.2, -2.1, -0.9, -1.0, -1.4, -0.2, -2.5];
const mask = [0, 1, 1, 1, 0, 0, 1, 1]; // n = 3, 2
const adv = [0.8, -1.5];
const t2 = (v: number[], name = "t", requiresGrad = false) => dev.tensor(v, [B, T], { name, requiresGrad });
const t1 = (v: number[]) => dev.tensor(v, [B], { name: "advantages" });

/** The loss and KL computed here from the numbers. */
function hostGrpo(logp: number[], oldLogp: number[] | null, klCoef: number): { loss: number; kl: number } {
  let loss = 0;
  let kl = 0;
  for (let b = 0; b < B; b++) {
    const idx = [0, 1, 2, 3].map((t) => b * T + t).filter((i) => mask[i] === 1);
    for (const i of idx) {
      const d = ref[i] - logp[i];
      const k3 = Math.exp(d) - d - 1;
      const ratio = oldLogp ? Math.exp(logp[i] - oldLogp[i]) : 1;
      loss += (-adv[b] * ratio + klCoef * k3) / idx.length / B;
      kl += k3 / idx.length / B;
    }
  }
  return { loss, kl };
}

describe("groupAdvantages", () => {
  test.each([
    ["one winner in a group of 4", [1, 0, 0, 0], 4, [0.75 / 0.5001, -0.25 / 0.5001, -0.25 / 0.5001, -0.25 / 0.5001]],
    ["two groups of 2", [3, 1, 0, 2], 2, [1 / (Math.SQRT2 + 1e-4), -1 / (Math.SQRT2 + 1e-4), -1 / (Math.SQRT2 + 1e-4), 1 / (Math.SQRT2 + 1e-4)]],
    ["an all-equal group next to a mixed one", [0.1, 0.1, 0.1, 0, 1, 2], 3, [0, 0, 0, -1 / 1.0001, 0, 1 / 1.0001]],
    ["groups of one", [5, -2], 1, [0, 0]],
  ])("normalizes %s by the group's mean and sample std", (_, rewards, G, want) => {
    groupAdvantages(rewards, G).forEach((a, i) => expect(a).toBeCloseTo(want[i], 10));
  });

  test("rejects rewards that are not whole groups", () => {
    expect(() => groupAdvantages([1, 2, 3], 2)).toThrow("groupAdvantages: 3 rewards are not whole groups of 2. Hint: pass groupSize completions per prompt, 2·prompts rewards in all");
  });
});

describe("grpoLoss", () => {
  test("on-policy without KL has value −mean A and gradient −A/(n·B) at each masked token, 0 elsewhere", async () => {
    const logp = t2(lp, "logp", true);
    const { loss, kl } = await grpoLoss(logp, t2(ref), null, t1(adv), t2(mask), 0);
    expect((await loss.read())[0]).toBeCloseTo(-(adv[0] + adv[1]) / 2, 6);
    expect((await kl.read())[0]).toBeCloseTo(hostGrpo(lp, null, 0).kl, 6);
    backward(loss);
    const g = await logp.grad!.read();
    const n = [3, 2];
    mask.forEach((m, i) => expect(g[i]).toBeCloseTo(m === 0 ? 0 : -adv[Math.floor(i / T)] / (n[Math.floor(i / T)] * B), 7));
  });

  test.each([
    ["on-policy", null],
    ["off-policy", old],
  ] as const)("%s with KL matches the hand value and finite differences of it", async (_, oldLogp) => {
    const klCoef = 0.3;
    const oldArr = oldLogp ? [...oldLogp] : null;
    const logp = t2(lp, "logp", true);
    const { loss, kl } = await grpoLoss(logp, t2(ref), oldArr && t2(oldArr), t1(adv), t2(mask), klCoef);
    const want = hostGrpo(lp, oldArr, klCoef);
    expect((await loss.read())[0]).toBeCloseTo(want.loss, 5);
    expect((await kl.read())[0]).toBeCloseTo(want.kl, 6);
    backward(loss);
    const g = await logp.grad!.read();
    // On-policy the ratio is exp(logp − stopgrad(logp)): differentiate it with old held at the current logp.
    const heldOld = oldArr ?? lp;
    const eps = 1e-4;
    for (let i = 0; i < B * T; i++) {
      const at = (h: number) => hostGrpo(lp.map((v, j) => (j === i ? v + h : v)), heldOld, klCoef).loss;
      expect(g[i]).toBeCloseTo((at(eps) - at(-eps)) / (2 * eps), 4);
    }
  });

  test("rejects a mask of another shape", async () => {
    await expect(grpoLoss(t2(lp), t2(ref), null, t1(adv), dev.tensor(mask.slice(0, 4), [1, 4]), 0)).rejects.toThrow(
      "grpoLoss: mask is [1,4] but must be [2,4]. Hint: pass mask with one value per sequence and position",
    );
  });

  test("through tokenLogprobsOf reaches the policy's params and no frozen reference's", async () => {
    const policy = tinyGpt(dev, 7);
    const ref = tinyGpt(dev, 7);
    ref.params.freeze();
    const group = [
      { ids: [1, 5, 9, 4, 2], mask: [0, 0, 1, 1, 1] },
      { ids: [1, 5, 3, 3], mask: [0, 0, 1, 1] },
    ];
    const b = makeSeqBatch(dev, group, 6, 0);
    const f = evalFwd();
    const { loss } = await grpoLoss(tokenLogprobsOf(policy, b, f), tokenLogprobsOf(ref, b, f), null, t1(groupAdvantages([1, 0], 2)), b.mask, 0.1);
    backward(loss);
    for (const p of ref.params.list) expect(p.tensor.grad).toBeNull();
    const g = Array.from(await policy.params.get("wte.weight")!.tensor.grad!.read());
    expect(g.reduce((s, v) => s + Math.abs(v), 0)).toBeGreaterThan(0);
  });
});
