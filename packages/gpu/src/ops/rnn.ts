// Differentiable recurrent layers over precomputed input projections: lstm (gates i,f,g,o) and gru (r,z,n),
// with BPTT backward. B batch, T time, Hd hidden size.
import { needsGrad, record } from "../autograd.ts";
import { ShapeError } from "../errors.ts";
import type { RnnDims } from "../kernels/lstm/reference.ts";
import type { Tensor } from "../tensor.ts";
import { expectRank, fmt, node } from "./util.ts";

function rnnDims(op: string, xProj: Tensor, wh: Tensor, gates: number, states: (Tensor | null | undefined)[]): RnnDims {
  expectRank(op, xProj, 3);
  expectRank(op, wh, 2);
  const [B, T, G] = xProj.shape;
  const Hd = wh.shape[0];
  if (wh.shape[1] !== gates * Hd || G !== gates * Hd)
    throw new ShapeError(op, `${fmt(xProj)} and ${fmt(wh)} must be (B,T,${gates}Hd) and (Hd,${gates}Hd)`, `project the input to ${gates}×hidden first`);
  for (const s of states)
    if (s && (s.shape.length !== 2 || s.shape[0] !== B || s.shape[1] !== Hd)) throw new ShapeError(op, `initial state ${fmt(s)} must be (${B},${Hd})`, "one state row per batch item");
  return { B, T, Hd };
}

/** LSTM layer: xProj (B,T,4Hd), wh (Hd,4Hd), h0/c0 (B,Hd) or zeros -> hidden states (B,T,Hd). */
export function lstm(xProj: Tensor, wh: Tensor, h0?: Tensor | null, c0?: Tensor | null): Tensor {
  const d = rnnDims("lstm", xProj, wh, 4, [h0, c0]);
  const dev = xProj.device;
  const { B, T, Hd } = d;
  const hs = dev.empty([B, T, Hd], "f32", { name: "lstm.h" });
  const cs = dev.empty([B, T, Hd], "f32", { name: "lstm.c" });
  const acts = dev.empty([B, T, 4 * Hd], "f32", { name: "lstm.gates" });
  dev.backend.lstm(hs.buf, cs.buf, acts.buf, xProj.buf, wh.buf, h0?.buf ?? null, c0?.buf ?? null, d);
  if (!needsGrad(xProj, wh, h0, c0)) {
    cs.dispose();
    acts.dispose();
    return hs;
  }
  dev.keep(cs);
  dev.keep(acts);
  const inputs = [xProj, wh, ...(h0 ? [h0] : []), ...(c0 ? [c0] : [])];
  return record(hs, node("lstm", inputs, [cs, acts], (g) => {
    const dx = dev.empty(xProj.shape);
    const dw = dev.empty(wh.shape);
    const dh0 = h0 ? dev.empty(h0.shape) : null;
    const dc0 = c0 ? dev.empty(c0.shape) : null;
    dev.backend.lstmBackward(dx.buf, dw.buf, dh0?.buf ?? null, dc0?.buf ?? null, g.buf, hs.buf, cs.buf, acts.buf, wh.buf, h0?.buf ?? null, c0?.buf ?? null, d);
    return [dx, dw, ...(h0 ? [dh0] : []), ...(c0 ? [dc0] : [])];
  }));
}

/** GRU layer: xProj (B,T,3Hd), wh (Hd,3Hd), h0 (B,Hd) or zeros -> hidden states (B,T,Hd). */
export function gru(xProj: Tensor, wh: Tensor, h0?: Tensor | null): Tensor {
  const d = rnnDims("gru", xProj, wh, 3, [h0]);
  const dev = xProj.device;
  const { B, T, Hd } = d;
  const hs = dev.empty([B, T, Hd], "f32", { name: "gru.h" });
  const acts = dev.empty([B, T, 3 * Hd], "f32", { name: "gru.gates" });
  const hn = dev.empty([B, T, Hd], "f32", { name: "gru.hn" });
  dev.backend.gru(hs.buf, acts.buf, hn.buf, xProj.buf, wh.buf, h0?.buf ?? null, d);
  if (!needsGrad(xProj, wh, h0)) {
    acts.dispose();
    hn.dispose();
    return hs;
  }
  dev.keep(acts);
  dev.keep(hn);
  return record(hs, node("gru", h0 ? [xProj, wh, h0] : [xProj, wh], [acts, hn], (g) => {
    const dx = dev.empty(xProj.shape);
    const dw = dev.empty(wh.shape);
    const dh0 = h0 ? dev.empty(h0.shape) : null;
    dev.backend.gruBackward(dx.buf, dw.buf, dh0?.buf ?? null, g.buf, hs.buf, acts.buf, hn.buf, wh.buf, h0?.buf ?? null, d);
    return h0 ? [dx, dw, dh0] : [dx, dw];
  }));
}
