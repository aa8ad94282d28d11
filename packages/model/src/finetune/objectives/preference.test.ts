// dpoLoss and bradleyTerryLoss against hand computations: values, margins, and gradients w.r.t. their inputs
// (dL/dπc = −β·σ(−margin)/B for DPO, dL/drc = −σ(rr − rc)/B for Bradley–Terry), computed here from the numbers.
import { describe, expect, test } from "bun:test";
import { backward } from "@lathe/gpu";
import { bradleyTerryLoss, dpoLoss } from "./preference.ts";
import { cpu, sigmoid } from "./test-fixtures.ts";

const dev = await cpu();
const leaf = (v: number[], name: string) => dev.tensor(v, [v.length], { requiresGrad: true, name });
const values = async (t: { read(): Promise<ArrayLike<number>> }) => Array.from(await t.read());

describe("dpoLoss", () => {
  const pc = [-3.0, -7.5, -2.0];
  const pr = [-4.0, -6.0, -2.5];
  const rc = [-3.5, -7.0, -2.2];
  const rr = [-3.8, -6.5, -1.0];
  const beta = 0.5;
  const B = pc.length;
  const margin = pc.map((_, b) => beta * (pc[b] - rc[b] - (pr[b] - rr[b]))); // [0.35, -0.5, 1.15]
  const loss = margin.reduce((s, m) => s - Math.log(sigmoid(m)), 0) / B;

  test("equals the mean of −log σ(β·[(πc−rc)−(πr−rr)]) and returns that margin", async () => {
    const out = dpoLoss({ chosen: leaf(pc, "pc"), rejected: leaf(pr, "pr") }, { chosen: leaf(rc, "rc"), rejected: leaf(rr, "rr") }, beta);
    (await values(out.margin)).forEach((m, b) => expect(m).toBeCloseTo(margin[b], 5));
    expect(out.loss.shape).toEqual([]);
    expect((await out.loss.read())[0]).toBeCloseTo(loss, 5);
  });

  test("has gradient ∓β·σ(−margin)/B w.r.t. the policy's chosen and rejected logprobs and none into the reference", async () => {
    const pi = { chosen: leaf(pc, "pc"), rejected: leaf(pr, "pr") };
    const ref = { chosen: leaf(rc, "rc"), rejected: leaf(rr, "rr") }; // with requiresGrad: still constants to DPO
    backward(dpoLoss(pi, ref, beta).loss);
    const gc = await values(pi.chosen.grad!);
    const gr = await values(pi.rejected.grad!);
    margin.forEach((m, b) => {
      expect(gc[b]).toBeCloseTo((-beta * sigmoid(-m)) / B, 6);
      expect(gr[b]).toBeCloseTo((beta * sigmoid(-m)) / B, 6);
    });
    expect(ref.chosen.grad).toBeNull();
    expect(ref.rejected.grad).toBeNull();
  });

  test("rejects inputs of different lengths, naming the one that is off", () => {
    expect(() => dpoLoss({ chosen: leaf(pc, "pc"), rejected: leaf(pr, "pr") }, { chosen: leaf(rc, "rc"), rejected: leaf([1, 2], "rr") }, beta)).toThrow(
      "dpoLoss: ref.rejected is [2] but must be [3]. Hint: pass ref.rejected with one value per sequence",
    );
  });
});

describe("bradleyTerryLoss", () => {
  const rc = [1.2, -0.3, 0.0, 2.5];
  const rr = [0.2, 0.4, 0.0, -1.0];
  const B = rc.length;

  test("equals the mean of −log σ(rc − rr) and has gradient ∓σ(rr − rc)/B", async () => {
    const c = leaf(rc, "rc");
    const r = leaf(rr, "rr");
    const loss = bradleyTerryLoss(c, r);
    const want = rc.reduce((s, _, b) => s - Math.log(sigmoid(rc[b] - rr[b])), 0) / B;
    expect((await loss.read())[0]).toBeCloseTo(want, 6);
    backward(loss);
    const gc = await values(c.grad!);
    const gr = await values(r.grad!);
    rc.forEach((_, b) => {
      expect(gc[b]).toBeCloseTo(-sigmoid(rr[b] - rc[b]) / B, 6);
      expect(gr[b]).toBeCloseTo(sigmoid(rr[b] - rc[b]) / B, 6);
    });
  });

  test("of equal rewards is ln 2", async () => {
    expect((await bradleyTerryLoss(leaf([3, -1], "c"), leaf([3, -1], "r")).read())[0]).toBeCloseTo(Math.log(2), 6);
  });
});
