// RewardHead: its params, and a score that is the linear head applied to the trunk's hidden state at `last`.
import { describe, expect, test } from "bun:test";
import { backward, noGrad } from "@lathe/gpu";
import { bradleyTerryLoss } from "./preference.ts";
import { RewardHead } from "./reward-head.ts";
import { cpu, evalFwd, T, tinyGpt } from "./test-fixtures.ts";

const dev = await cpu();
const ids = (rows: number[][]) => dev.tensor(Int32Array.from(rows.flat()), [rows.length, T], { name: "ids" });
const seqs = [
  [5, 3, 8, 1, 0, 0],
  [2, 9, 9, 4, 7, 6],
  [1, 1, 0, 0, 0, 0],
];
const last = [3, 5, 1];

describe("RewardHead", () => {
  test("adds reward_head.weight (W,1) and reward_head.bias (1) to the model's params", () => {
    const model = tinyGpt(dev);
    const head = new RewardHead(model.params, model.width);
    expect(model.params.get("reward_head.weight")?.shape).toEqual([model.width, 1]);
    expect(model.params.get("reward_head.bias")?.shape).toEqual([1]);
    expect(head.weight).toBe(model.params.get("reward_head.weight")!.tensor);
  });

  test("scores each sequence from the hidden state at its last real token", async () => {
    const model = tinyGpt(dev);
    const head = new RewardHead(model.params, model.width);
    head.bias.write(new Float32Array([0.25]));
    const W = model.width;
    const h = await noGrad(() => model.hidden(ids(seqs), evalFwd())).read(); // (N,W)
    const w = await head.weight.read();
    const got = await head.score(model, ids(seqs), dev.tensor(Int32Array.from(last), [3]), evalFwd()).read();
    last.forEach((t, b) => {
      let want = 0.25;
      for (let c = 0; c < W; c++) want += h[(b * T + t) * W + c] * w[c];
      expect(got[b]).toBeCloseTo(want, 5);
    });
    // Padding after `last` is never read.
    const repadded = seqs.map((s, b) => s.map((id, t) => (t > last[b] ? 17 : id)));
    const again = await head.score(model, ids(repadded), dev.tensor(Int32Array.from(last), [3]), evalFwd()).read();
    again.forEach((v, b) => expect(v).toBeCloseTo(got[b], 5));
  });

  test("trains with Bradley–Terry: gradients reach the head's weight and the trunk, none its bias (it cancels in rc − rr)", async () => {
    const model = tinyGpt(dev);
    const head = new RewardHead(model.params, model.width);
    const at = dev.tensor(Int32Array.from(last), [3]);
    const f = evalFwd();
    backward(bradleyTerryLoss(head.score(model, ids(seqs), at, f), head.score(model, ids(seqs.map((s) => s.map((id) => (id + 3) % 19))), at, f)));
    const l1 = async (name: string) => Array.from(await model.params.get(name)!.tensor.grad!.read()).reduce((s, v) => s + Math.abs(v), 0);
    expect(await l1("reward_head.weight")).toBeGreaterThan(0);
    expect(await l1("wte.weight")).toBeGreaterThan(0);
    expect(await l1("reward_head.bias")).toBeLessThan(1e-7);
  });

  test("refuses a model of another width", () => {
    const model = tinyGpt(dev);
    const head = new RewardHead(model.params, 8);
    expect(() => head.score(model, ids(seqs), dev.tensor(Int32Array.from(last), [3]), evalFwd())).toThrow(
      "RewardHead.score: the model's hidden width is 16 but the head reads 8. Hint: build the head with new RewardHead(model.params, model.width)",
    );
  });
});
