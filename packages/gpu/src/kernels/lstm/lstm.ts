// WebGPU LSTM layer: per step, hr = h_{t-1} @ wh (strided matmul over row views) then the cell kernel.
// Backward: per step (reverse) the cell backward then dh_{t-1} = dpre @ whᵀ; dwh = prevᵀ @ dpre in one matmul.
import { type GpuBuf, packParams, type Runtime } from "../../runtime.ts";
import { stridedMatmul } from "../strided/strided-matmul.ts";
import { copyBuf } from "../copy.ts";
import { fill } from "../elementwise/elementwise.ts";
import { grid1d } from "../grid.ts";
import type { RnnDims } from "./reference.ts";
import code from "./lstm-cell.wgsl" with { type: "text" };
import shiftCode from "./shift.wgsl" with { type: "text" };

/** prev (B,T,Hd): the hidden state before each step. */
export function shiftHidden(rt: Runtime, prev: GpuBuf, hs: GpuBuf, h0: GpuBuf | null, d: RnnDims): void {
  rt.dispatch({ name: "rnn.shift", code: shiftCode }, [prev, hs, h0 ?? rt.dummy(0)], packParams([["u", d.B], ["u", d.T], ["u", d.Hd], ["u", h0 ? 1 : 0]]), grid1d(d.B * d.T * d.Hd, 256));
}

/** hr (B,G) = h_{t-1} @ wh where h_{t-1} is hs at t-1 (row stride T*Hd) or h0; zeros when t = 0 and no h0. */
export function recurrentProj(rt: Runtime, hr: GpuBuf, hs: GpuBuf, h0: GpuBuf | null, wh: GpuBuf, d: RnnDims, G: number, t: number): void {
  const { B, T, Hd } = d;
  if (t === 0 && !h0) return fill(rt, hr, 0, B * G);
  const a = t === 0 ? { buf: h0!, off: 0, sp: 0, sq: 0, si: Hd, sk: 1 } : { buf: hs, off: (t - 1) * Hd, sp: 0, sq: 0, si: T * Hd, sk: 1 };
  stridedMatmul(rt, hr, a, { buf: wh, off: 0, sp: 0, sq: 0, si: G, sk: 1 }, null, { M: B, N: G, K: Hd, batch: 1 });
}

export function lstmForward(rt: Runtime, hs: GpuBuf, cs: GpuBuf, acts: GpuBuf, xProj: GpuBuf, wh: GpuBuf, h0: GpuBuf | null, c0: GpuBuf | null, d: RnnDims): void {
  const { B, T, Hd } = d;
  const G = 4 * Hd;
  const hr = rt.alloc(B * G * 4, `lstm.hr (${B},${G}) f32`);
  for (let t = 0; t < T; t++) {
    recurrentProj(rt, hr, hs, h0, wh, d, G, t);
    const p = packParams([["u", B], ["u", T], ["u", Hd], ["u", t], ["u", c0 ? 1 : 0]]);
    rt.dispatch({ name: "lstm.cell", code, constants: { OP: 0 } }, [hs, cs, acts, xProj, hr, c0 ?? rt.dummy(0), rt.dummy(1), rt.dummy(2)], p, grid1d(B * Hd, 64));
  }
  rt.free(hr);
}

export function lstmBackward(
  rt: Runtime, dxProj: GpuBuf, dwh: GpuBuf, dh0: GpuBuf | null, dc0: GpuBuf | null, dh: GpuBuf,
  hs: GpuBuf, cs: GpuBuf, acts: GpuBuf, wh: GpuBuf, h0: GpuBuf | null, c0: GpuBuf | null, d: RnnDims,
): void {
  const { B, T, Hd } = d;
  const G = 4 * Hd;
  const dhNext = rt.alloc(B * Hd * 4, `lstm.dhNext (${B},${Hd}) f32`);
  const dcNext = rt.alloc(B * Hd * 4, `lstm.dcNext (${B},${Hd}) f32`);
  fill(rt, dhNext, 0, B * Hd);
  fill(rt, dcNext, 0, B * Hd);
  for (let t = T - 1; t >= 0; t--) {
    const p = packParams([["u", B], ["u", T], ["u", Hd], ["u", t], ["u", c0 ? 1 : 0]]);
    rt.dispatch({ name: "lstm.cell.backward", code, constants: { OP: 1 } }, [dxProj, dcNext, rt.dummy(0), dh, dhNext, c0 ?? rt.dummy(1), cs, acts], p, grid1d(B * Hd, 64));
    // dh_{t-1} (B,Hd) = dpre_t (B,G) @ whᵀ (G,Hd)
    stridedMatmul(rt, dhNext, { buf: dxProj, off: t * G, sp: 0, sq: 0, si: T * G, sk: 1 }, { buf: wh, off: 0, sp: 0, sq: 0, si: 1, sk: G }, null, { M: B, N: Hd, K: G, batch: 1 });
  }
  if (dh0) copyBuf(rt, dh0, dhNext, B * Hd);
  if (dc0) copyBuf(rt, dc0, dcNext, B * Hd);
  const prev = rt.alloc(B * T * Hd * 4, `lstm.prev (${B},${T},${Hd}) f32`);
  shiftHidden(rt, prev, hs, h0, d);
  // dwh (Hd,G) = prevᵀ (Hd, B*T) @ dpre (B*T, G)
  stridedMatmul(rt, dwh, { buf: prev, off: 0, sp: 0, sq: 0, si: 1, sk: Hd }, { buf: dxProj, off: 0, sp: 0, sq: 0, si: G, sk: 1 }, null, { M: Hd, N: G, K: B * T, batch: 1 });
  for (const b of [dhNext, dcNext, prev]) rt.free(b);
}
