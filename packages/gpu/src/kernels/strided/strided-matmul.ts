// gpu-core's simple, correct WebGPU matmul: one strided kernel covers forward, both transposes, the backward
// (including the sum over batches for a shared b) and row views used by the recurrent layers. The kernels
// helper's tuned matmul replaces it for the big shapes when present.
import { type GpuBuf, packParams, type Runtime } from "../../runtime.ts";
import type { MatmulDims, MatmulOpts } from "../../types.ts";
import { sumRows } from "../elementwise/elementwise.ts";
import code from "./strided-matmul.wgsl" with { type: "text" };

/** A strided operand: element (i,k) of batch p, summed slice q at off + p*sp + q*sq + i*si + k*sk. */
export interface Strided {
  readonly buf: GpuBuf;
  readonly off: number;
  readonly sp: number;
  readonly sq: number;
  readonly si: number;
  readonly sk: number;
}

export interface StridedMatmul {
  readonly M: number;
  readonly N: number;
  readonly K: number;
  readonly batch: number;
  /** Slices summed into each output. @default 1 */
  readonly nSum?: number;
  readonly outOff?: number;
  readonly accumulate?: boolean;
}

/** out (batch,M,N) at outOff (=, or += when accumulate) bias + sum_q A(p,q) @ B(p,q). */
export function stridedMatmul(rt: Runtime, out: GpuBuf, a: Strided, b: Strided, bias: GpuBuf | null, s: StridedMatmul): void {
  const params = packParams([
    ["u", s.M], ["u", s.N], ["u", s.K], ["u", s.nSum ?? 1],
    ["u", s.batch], ["u", a.off], ["u", a.sp], ["u", a.sq],
    ["u", a.si], ["u", a.sk], ["u", b.off], ["u", b.sp],
    ["u", b.sq], ["u", b.si], ["u", b.sk], ["u", s.outOff ?? 0],
    ["u", bias ? 1 : 0], ["u", s.accumulate ? 1 : 0], ["u", s.N], ["u", 0],
  ]);
  // B's (k, j) strides are passed as (si = row stride over k, sk = column stride over j): see the .wgsl.
  rt.dispatch({ name: "matmul.strided", code }, [out, a.buf, b.buf, bias ?? rt.dummy(0)], params, [Math.ceil(s.N / 8), Math.ceil(s.M / 8), s.batch]);
}

function opA(a: GpuBuf, d: MatmulDims, o: MatmulOpts): Strided {
  return { buf: a, off: 0, sp: d.M * d.K, sq: 0, si: o.transA ? 1 : d.K, sk: o.transA ? d.M : 1 };
}
/** op(b) as (k, j): si = stride over k, sk = stride over j. */
function opB(b: GpuBuf, d: MatmulDims, o: MatmulOpts): Strided {
  return { buf: b, off: 0, sp: d.bBatched ? d.K * d.N : 0, sq: 0, si: o.transB ? 1 : d.N, sk: o.transB ? d.K : 1 };
}
const t = (s: Strided): Strided => ({ ...s, si: s.sk, sk: s.si });

export function matmulForward(rt: Runtime, out: GpuBuf, a: GpuBuf, b: GpuBuf, bias: GpuBuf | null, d: MatmulDims, o: MatmulOpts): void {
  stridedMatmul(rt, out, opA(a, d, o), opB(b, d, o), bias, { M: d.M, N: d.N, K: d.K, batch: d.batch });
}

export function matmulBackward(
  rt: Runtime, da: GpuBuf | null, db: GpuBuf | null, dbias: GpuBuf | null, dout: GpuBuf, a: GpuBuf, b: GpuBuf, d: MatmulDims, o: MatmulOpts,
): void {
  const { M, N, K, batch } = d;
  const g: Strided = { buf: dout, off: 0, sp: M * N, sq: 0, si: N, sk: 1 }; // (i, j)
  const A = opA(a, d, o); // (i, k)
  const B = opB(b, d, o); // (k, j)
  if (da) {
    if (!o.transA) stridedMatmul(rt, da, g, t(B), null, { M, N: K, K: N, batch }); // (M,K) = g (M,N) @ Bᵀ (N,K)
    else stridedMatmul(rt, da, B, t(g), null, { M: K, N: M, K: N, batch }); // (K,M) = op(b) (K,N) @ gᵀ (N,M)
  }
  if (db) {
    // Per batch (bBatched) or summed over batches (shared b): nSum slices with the batch strides moved to q.
    const [nb, nSum] = d.bBatched ? [batch, 1] : [1, batch];
    const mv = (s: Strided): Strided => (d.bBatched ? s : { ...s, sq: s.sp, sp: 0 });
    if (!o.transB) stridedMatmul(rt, db, mv(t(A)), mv(g), null, { M: K, N, K: M, batch: nb, nSum }); // (K,N) = Aᵀ (K,M) @ g (M,N)
    else stridedMatmul(rt, db, mv(t(g)), mv(A), null, { M: N, N: K, K: M, batch: nb, nSum }); // (N,K) = gᵀ (N,M) @ A (M,K)
  }
  if (dbias) sumRows(rt, dbias, dout, batch * M, N);
}
