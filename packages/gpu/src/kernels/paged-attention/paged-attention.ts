// WebGPU dispatchers for decoding against the paged KV cache, with the signatures of reference.ts plus the runtime:
// kvWrite (kv-write.wgsl, one invocation per element of the new q/k/v rows) and pagedAttention
// (paged-attention.wgsl, one invocation per (query row, head)). Decode only: no backward.
// Dimension letters: N rows, C channels, H heads, D head size (C/H), M page-table columns, PG page size.
import { ShapeError } from "../../errors.ts";
import { type GpuBuf, type KernelSpec, packParams, type Runtime } from "../../runtime.ts";
import { grid1d } from "../grid.ts";
import type { PagedDims } from "./reference.ts";
import writeCode from "./kv-write.wgsl" with { type: "text" };
import attnSrc from "./paged-attention.wgsl" with { type: "text" };

/** Invocations per workgroup of paged-attention.wgsl (its WG). */
const WG = 32;

const specs = new Map<number, KernelSpec>();

/** The attention kernel for head size D (a compile-time array length in the WGSL). */
function attnSpec(D: number): KernelSpec {
  let s = specs.get(D);
  if (!s) specs.set(D, (s = { name: "paged-attention.forward", code: attnSrc.replaceAll("DHEADu", `${D}u`) }));
  return s;
}

function headSize(d: PagedDims): number {
  if (d.nHead <= 0 || d.C % d.nHead !== 0) throw new ShapeError("pagedAttention", `C=${d.C} is not divisible by nHead=${d.nHead}`, "choose d_model as a multiple of n_head");
  return d.C / d.nHead;
}

/** q (N,C) from qkv (N,3C), k and v rows into the caches (L,S,C) at each row's position; rotated when ropeBase > 0. */
export function kvWrite(
  rt: Runtime, q: GpuBuf, kCache: GpuBuf, vCache: GpuBuf, qkv: GpuBuf, pageTable: GpuBuf, seq: GpuBuf, pos: GpuBuf, d: PagedDims,
  ropeBase: number,
): void {
  const D = headSize(d);
  const params = packParams([["u", d.N], ["u", d.C], ["u", D], ["u", d.pageSize], ["u", d.maxPages], ["u", d.layer * d.slots], ["f", ropeBase], ["u", 0]]);
  rt.dispatch({ name: "paged-attention.kv-write", code: writeCode }, [q, kCache, vCache, qkv, pageTable, seq, pos], params, grid1d(d.N * d.C, 256));
}

/** out (N,C): causal attention of q (N,C) over each row's cached positions 0..pos[n]. */
export function pagedAttention(
  rt: Runtime, out: GpuBuf, q: GpuBuf, kCache: GpuBuf, vCache: GpuBuf, pageTable: GpuBuf, seq: GpuBuf, pos: GpuBuf, d: PagedDims,
): void {
  const D = headSize(d);
  const params = packParams([["u", d.N], ["u", d.C], ["u", d.nHead], ["u", d.pageSize], ["u", d.maxPages], ["u", d.layer * d.slots], ["f", 1 / Math.sqrt(D)], ["u", 0]]);
  rt.dispatch(attnSpec(D), [out, q, kCache, vCache, pageTable, seq, pos], params, grid1d(d.N * d.nHead, WG));
}
