// The coordinate check of Tensor Programs V (Yang et al. 2022, §D.1 and microsoft/mup's coord_check.py): train
// the same small gpt at several widths for a few steps at one fixed lr and record, after each step t, the mean
// absolute coordinate of every activation (token+position embedding, each block's output, the logits). Under µP
// the curves lie on top of each other across widths; under the standard parametrization the logits (and, at a
// high lr, the blocks) grow with width. Runs on any device; the test uses the CPU reference backend.
// Dimension letters: B batch, T context, V vocab, N rows (B*T).
import { backward, type Device, noGrad, type Tensor, zeroGrad } from "@lathe/gpu";
import { resolveModelConfig } from "../config.ts";
import { Gpt } from "../nn/gpt.ts";
import { buildModel } from "../nn/model.ts";
import { forwardLoss } from "../train/trainer.ts";
import { AdamW } from "../train/optimizer.ts";

export interface CoordCheckOptions {
  readonly device: Device;
  readonly widths: readonly number[];
  /** The gpt model section apart from d_model (kind gpt is implied). */
  readonly model: Record<string, unknown>;
  readonly vocab: number;
  readonly batch: number;
  /** Optimizer steps; activations are recorded after each (t = 1..steps). */
  readonly steps: number;
  readonly lr: number;
  readonly seed: number;
}

/** Mean |x| of one activation after one step at one width. */
export interface Coord {
  readonly width: number;
  readonly step: number;
  readonly name: string; // "embed", "h.0" … "h.L-1", "logits"
  readonly value: number;
}

export async function coordCheck(o: CoordCheckOptions): Promise<Coord[]> {
  const out: Coord[] = [];
  for (const width of o.widths) {
    const cfg = resolveModelConfig({ ...o.model, kind: "gpt", d_model: width }, o.vocab);
    const model = buildModel(o.device, cfg, o.seed);
    if (!(model instanceof Gpt)) throw new Error("coordCheck: kind gpt gave no Gpt");
    const opt = new AdamW(model.params.list, { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0 });
    const batch = fixedBatch(o.batch, cfg.context, o.vocab, o.seed);
    const T = cfg.context;
    for (let step = 1; step <= o.steps; step++) {
      o.device.tidy(() => backward(forwardLoss(o.device, model, batch, true, step)));
      opt.update(o.lr);
      zeroGrad(model.params.list.map((p) => p.tensor));
      const coords = await o.device.tidy(async () => {
        const taps: [string, Tensor][] = [];
        const ids = o.device.tensor(batch.x, [o.batch, T]); // (B,T)
        noGrad(() => model.forward(ids, { train: false, seed: 0, site: 0 }, (name, x) => taps.push([name, x])));
        const means: Coord[] = [];
        for (const [name, x] of taps) {
          const d = (await x.read()) as Float32Array;
          means.push({ width, step, name, value: d.reduce((s, v) => s + Math.abs(v), 0) / d.length });
        }
        return means;
      });
      out.push(...coords);
    }
  }
  return out;
}

/** max/min of value across widths, per (name, step): 1 = flat. */
export function spreadAcrossWidths(coords: readonly Coord[]): Map<string, number> {
  const by = new Map<string, number[]>();
  for (const c of coords) {
    const k = `${c.name}@${c.step}`;
    by.set(k, [...(by.get(k) ?? []), c.value]);
  }
  return new Map([...by].map(([k, v]) => [k, Math.max(...v) / Math.min(...v)]));
}

/** A learnable batch: each row counts up by a row-specific stride mod V, so the next token is predictable. */
function fixedBatch(B: number, T: number, V: number, seed: number): { x: Int32Array; y: Int32Array } {
  const x = new Int32Array(B * T); // (B,T)
  const y = new Int32Array(B * T); // (B,T)
  for (let b = 0; b < B; b++) {
    const stride = 1 + ((b + seed) % 5);
    for (let t = 0; t < T; t++) {
      x[b * T + t] = (b * 7 + t * stride) % V;
      y[b * T + t] = (b * 7 + (t + 1) * stride) % V;
    }
  }
  return { x, y };
}
