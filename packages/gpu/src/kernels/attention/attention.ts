// WebGPU dispatchers for causal self-attention over packed qkv, with the signatures of reference.ts plus the
// runtime. Forward: forward.wgsl (flash style, online softmax, saves lse). Backward, deterministic (every output
// element written by one invocation in a fixed loop order): delta.wgsl, then backward-dq.wgsl (one pass over
// keys per query row) and backward-dkv.wgsl (one pass over queries per key row).
// With subgroups of a fixed size and D a multiple of 4, fast.ts's subgroup kernels run instead, in two passes: dq
// computes delta on the way and writes it for dk/dv.
// Dimension letters: B batch, T time, C channels, H heads, D head size (C/H).
import { ShapeError } from "../../errors.ts";
import { packParams, type GpuBuf, type KernelSpec, type Runtime } from "../../runtime.ts";
import type { HeadDims } from "../../types.ts";
import forwardSrc from "./forward.wgsl" with { type: "text" };
import deltaSrc from "./delta.wgsl" with { type: "text" };
import dqSrc from "./backward-dq.wgsl" with { type: "text" };
import dkvSrc from "./backward-dkv.wgsl" with { type: "text" };
import { dkvFastSource, dqFastSource, forwardFastSource } from "./fast.ts";

/** Which kernels run: "auto" picks the subgroup kernels whenever the adapter and head size allow. */
export type AttentionPath = "auto" | "fast" | "portable";

const FAST_WG = 64;

/** The adapter's subgroup size when it is fixed and the subgroups feature is on, else 0. */
export function fixedSubgroupSize(rt: Runtime): number {
  const info = (rt.device as GPUDevice & { adapterInfo?: { subgroupMinSize?: number; subgroupMaxSize?: number } }).adapterInfo;
  const min = info?.subgroupMinSize ?? 0;
  return rt.features.includes("subgroups") && min > 0 && min === info?.subgroupMaxSize && FAST_WG % min === 0 ? min : 0;
}

function fastSpec(rt: Runtime, D: number, path: AttentionPath, kind: "forward" | "dq+delta" | "dkv"): KernelSpec | null {
  const sg = fixedSubgroupSize(rt);
  if (path === "portable" || (path === "auto" && (sg === 0 || D % 4 !== 0))) return null;
  const key = `fast-${kind}/${D}/${sg}`;
  let s = specs.get(key);
  if (!s) {
    const code =
      kind === "forward" ? forwardFastSource(D, sg, FAST_WG)
      : kind === "dkv" ? dkvFastSource(D, sg, FAST_WG)
      : dqFastSource(D, sg, FAST_WG);
    specs.set(key, (s = { name: `attention.fast-${kind}`, code }));
  }
  return s;
}

const specs = new Map<string, KernelSpec>();

/** The kernel for head size D (a compile-time array length in the WGSL). */
function spec(name: string, src: string, D: number): KernelSpec {
  const key = `${name}/${D}`;
  let s = specs.get(key);
  if (!s) specs.set(key, (s = { name: `attention.${name}`, code: src.replaceAll("DHEADu", `${D}u`) }));
  return s;
}

function headSize(d: HeadDims): number {
  if (d.nHead <= 0 || d.C % d.nHead !== 0) {
    throw new ShapeError("attention", `C=${d.C} is not divisible by nHead=${d.nHead}`, "choose d_model as a multiple of n_head");
  }
  return d.C / d.nHead;
}

function params(d: HeadDims, causal: boolean): ArrayBuffer {
  const D = headSize(d);
  return packParams([["u", d.T], ["u", d.C], ["u", d.nHead], ["u", causal ? 1 : 0], ["f", 1 / Math.sqrt(D)], ["u", 0], ["u", 0], ["u", 0]]);
}

function grid(d: HeadDims): number[] {
  return [Math.ceil(d.T / 64), d.nHead, d.B];
}

/** out (B,T,C) and lse (B,H,T) from qkv (B,T,3C). */
export function attentionForward(
  rt: Runtime, out: GpuBuf, lse: GpuBuf, qkv: GpuBuf, d: HeadDims, causal: boolean, path: AttentionPath = "auto",
): void {
  const D = headSize(d);
  const k = fastSpec(rt, D, path, "forward") ?? spec("forward", forwardSrc, D);
  rt.dispatch(k, [out, lse, qkv], params(d, causal), grid(d));
}

/** dqkv (B,T,3C) overwritten from dout (B,T,C), the forward's out and lse, and qkv. */
export function attentionBackward(
  rt: Runtime, dqkv: GpuBuf, dout: GpuBuf, out: GpuBuf, lse: GpuBuf, qkv: GpuBuf, d: HeadDims, causal: boolean,
  path: AttentionPath = "auto",
): void {
  const D = headSize(d);
  const p = params(d, causal);
  const delta = rt.alloc(d.B * d.nHead * d.T * 4, `attention delta (${d.B},${d.nHead},${d.T}) f32`);
  const dqDelta = fastSpec(rt, D, path, "dq+delta");
  if (dqDelta) rt.dispatch(dqDelta, [dqkv, qkv, dout, lse, delta, out], p, grid(d)); // writes delta for dk/dv
  else {
    rt.dispatch(spec("delta", deltaSrc, D), [delta, dout, out], p, grid(d));
    rt.dispatch(spec("backward-dq", dqSrc, D), [dqkv, qkv, dout, lse, delta], p, grid(d));
  }
  rt.dispatch(fastSpec(rt, D, path, "dkv") ?? spec("backward-dkv", dkvSrc, D), [dqkv, qkv, dout, lse, delta], p, grid(d));
  rt.free(delta);
}
