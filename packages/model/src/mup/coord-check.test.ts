// The coordinate check of Tensor Programs V on the CPU backend: a 2-layer gpt at widths 32, 64, 128 and 256,
// 4 Adam steps at lr 1e-2 on one batch. Under µP (base width 32) every activation's mean |x| after each step stays
// within a small factor across the widths (measured: at most 1.41x tied, 1.87x untied, where the untied head's init
// term, which µP sends to 0 as 1/sqrt(width), still shows at step 1); under the standard parametrization the logits
// grow with width (measured 3.7-4.9x from 32 to 256) and the block outputs blow up (up to 49x at step 4).
import { describe, expect, test } from "bun:test";
import { getDevice } from "@lathe/gpu";
import { type Coord, coordCheck, spreadAcrossWidths } from "./coord-check.ts";

const WIDTHS = [32, 64, 128, 256];
const run = async (parametrization: "standard" | "mup", tie_embeddings = true): Promise<Coord[]> =>
  coordCheck({
    device: await getDevice({ backend: "cpu" }),
    widths: WIDTHS,
    model: { n_layer: 2, n_head: 4, context: 16, parametrization, base_width: 32, tie_embeddings },
    vocab: 64,
    batch: 4,
    steps: 4,
    lr: 1e-2,
    seed: 1,
  });
const series = (c: readonly Coord[], name: string, step: number) => WIDTHS.map((w) => c.find((x) => x.width === w && x.name === name && x.step === step)!.value);

describe("the µP coordinate check", () => {
  test.each([
    ["tied", true, 1.6],
    ["untied", false, 2.0],
  ])("under mup with %s embeddings, every activation's size after steps 1-4 is flat across widths 32-256", async (_, tied, bound) => {
    const spread = spreadAcrossWidths(await run("mup", tied));
    expect([...spread.keys()]).toHaveLength(4 * 4); // embed, h.0, h.1, logits × 4 steps
    for (const [key, ratio] of spread) expect({ key, flat: ratio < bound }).toEqual({ key, flat: true });
  }, 120_000);

  test("under standard parametrization, the logits grow with width and the blocks blow up", async () => {
    const c = await run("standard");
    for (let step = 1; step <= 4; step++) {
      const logits = series(c, "logits", step);
      for (let i = 1; i < logits.length; i++) expect(logits[i]).toBeGreaterThan(logits[i - 1]);
      expect(logits.at(-1)! / logits[0]).toBeGreaterThan(3);
    }
    expect(spreadAcrossWidths(c).get("h.1@4")!).toBeGreaterThan(10);
    expect(spreadAcrossWidths(c).get("embed@4")!).toBeLessThan(1.6); // the embedding is width-stable in both
  }, 120_000);
});
