// WebGPU GRU layer: per step hr = h_{t-1} @ wh then the cell kernel. Backward per step (reverse): the cell backward
// writes dxProj, dhr and dh_{t-1}'s direct part, then dh_{t-1} += dhr_t @ whᵀ; dwh = prevᵀ @ dhr in one matmul.
import { type GpuBuf, packParams, type Runtime } from "../../runtime.ts";
import { stridedMatmul } from "../strided/strided-matmul.ts";
import { copyBuf } from "../copy.ts";
import { fill } from "../elementwise/elementwise.ts";
import { grid1d } from "../grid.ts";
import { recurrentProj, shiftHidden } from "../lstm/lstm.ts";
import type { RnnDims } from "../lstm/reference.ts";
import code from "./gru-cell.wgsl" with { type: "text" };

export function gruForward(rt: Runtime, hs: GpuBuf, acts: GpuBuf, hn: GpuBuf, xProj: GpuBuf, wh: GpuBuf, h0: GpuBuf | null, d: RnnDims): void {
  const { B, T, Hd } = d;
  const G = 3 * Hd;
  const hr = rt.alloc(B * G * 4, `gru.hr (${B},${G}) f32`);
  for (let t = 0; t < T; t++) {
    recurrentProj(rt, hr, hs, h0, wh, d, G, t);
    const p = packParams([["u", B], ["u", T], ["u", Hd], ["u", t], ["u", h0 ? 1 : 0]]);
    rt.dispatch({ name: "gru.cell", code, constants: { OP: 0 } }, [hs, acts, hn, xProj, hr, h0 ?? rt.dummy(0), rt.dummy(1), rt.dummy(2)], p, grid1d(B * Hd, 64));
  }
  rt.free(hr);
}

export function gruBackward(
  rt: Runtime, dxProj: GpuBuf, dwh: GpuBuf, dh0: GpuBuf | null, dh: GpuBuf, hs: GpuBuf, acts: GpuBuf, hn: GpuBuf, wh: GpuBuf, h0: GpuBuf | null, d: RnnDims,
): void {
  const { B, T, Hd } = d;
  const G = 3 * Hd;
  let dhNext = rt.alloc(B * Hd * 4, `gru.dhNext (${B},${Hd}) f32`);
  let dhTmp = rt.alloc(B * Hd * 4, `gru.dhTmp (${B},${Hd}) f32`);
  const dhr = rt.alloc(B * T * G * 4, `gru.dhr (${B},${T},${G}) f32`);
  const prev = rt.alloc(B * T * Hd * 4, `gru.prev (${B},${T},${Hd}) f32`);
  shiftHidden(rt, prev, hs, h0, d);
  fill(rt, dhNext, 0, B * Hd);
  for (let t = T - 1; t >= 0; t--) {
    const p = packParams([["u", B], ["u", T], ["u", Hd], ["u", t], ["u", h0 ? 1 : 0]]);
    rt.dispatch({ name: "gru.cell.backward", code, constants: { OP: 1 } }, [dxProj, dhr, dhTmp, dh, dhNext, prev, acts, hn], p, grid1d(B * Hd, 64));
    // dhTmp (B,Hd) += dhr_t (B,G) @ whᵀ (G,Hd)
    stridedMatmul(rt, dhTmp, { buf: dhr, off: t * G, sp: 0, sq: 0, si: T * G, sk: 1 }, { buf: wh, off: 0, sp: 0, sq: 0, si: 1, sk: G }, null, { M: B, N: Hd, K: G, batch: 1, accumulate: true });
    [dhNext, dhTmp] = [dhTmp, dhNext];
  }
  if (dh0) copyBuf(rt, dh0, dhNext, B * Hd);
  stridedMatmul(rt, dwh, { buf: prev, off: 0, sp: 0, sq: 0, si: 1, sk: Hd }, { buf: dhr, off: 0, sp: 0, sq: 0, si: G, sk: 1 }, null, { M: Hd, N: G, K: B * T, batch: 1 });
  for (const b of [dhNext, dhTmp, dhr, prev]) rt.free(b);
}
