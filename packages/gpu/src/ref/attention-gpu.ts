// gpu-core's simple WebGPU attention (one invocation per query / key, online softmax, no atomics), used until the
// kernels helper's flash attention is wired in. Same signatures as ref/attention.ts with the runtime first.
import { type GpuBuf, packParams, type Runtime } from "../runtime.ts";
import type { HeadDims } from "../types.ts";
import { grid1d } from "../kernels/grid.ts";
import code from "./attention.wgsl" with { type: "text" };

function params(d: HeadDims, causal: boolean): ArrayBuffer {
  return packParams([["u", d.B], ["u", d.T], ["u", d.C], ["u", d.nHead], ["u", causal ? 1 : 0], ["f", 1 / Math.sqrt(d.C / d.nHead)]]);
}

export function attentionForward(rt: Runtime, out: GpuBuf, lse: GpuBuf, qkv: GpuBuf, d: HeadDims, causal: boolean): void {
  const rows = d.B * d.nHead * d.T;
  rt.dispatch({ name: "attention.forward", code, constants: { OP: 0 } }, [out, lse, qkv, rt.dummy(0), rt.dummy(1), rt.dummy(2)], params(d, causal), grid1d(rows, 64));
}

export function attentionBackward(rt: Runtime, dqkv: GpuBuf, dout: GpuBuf, out: GpuBuf, lse: GpuBuf, qkv: GpuBuf, d: HeadDims, causal: boolean): void {
  const rows = d.B * d.nHead * d.T;
  const delta = rt.alloc(rows * 4, `attention.delta (${d.B},${d.nHead},${d.T}) f32`);
  const p = params(d, causal);
  const g = grid1d(rows, 64);
  rt.dispatch({ name: "attention.backward.delta", code, constants: { OP: 1 } }, [delta, rt.dummy(0), qkv, dout, out, rt.dummy(1)], p, g);
  rt.dispatch({ name: "attention.backward.dq", code, constants: { OP: 2 } }, [dqkv, rt.dummy(0), qkv, dout, lse, delta], p, g);
  rt.dispatch({ name: "attention.backward.dkv", code, constants: { OP: 3 } }, [dqkv, rt.dummy(0), qkv, dout, lse, delta], p, g);
  rt.free(delta);
}
