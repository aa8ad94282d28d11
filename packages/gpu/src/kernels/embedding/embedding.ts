// WebGPU dispatch of the embedding gather and its deterministic two-pass scatter-add backward.
import { type GpuBuf, packParams, type Runtime } from "../../runtime.ts";
import { fill } from "../elementwise/elementwise.ts";
import { grid1d } from "../grid.ts";
import code from "./embedding.wgsl" with { type: "text" };
import chainCode from "./embedding-chain.wgsl" with { type: "text" };
import bwdCode from "./embedding-backward.wgsl" with { type: "text" };

export function embeddingForward(rt: Runtime, out: GpuBuf, ids: GpuBuf, table: GpuBuf, N: number, V: number, C: number): void {
  rt.dispatch({ name: "embedding.forward", code }, [out, ids, table], packParams([["u", N], ["u", C], ["u", V]]), grid1d(N * C, 256));
}

/** dtable (V,C) overwritten. Pass 1 links tokens with equal ids; pass 2 lets each first occurrence sum its chain. */
export function embeddingBackward(rt: Runtime, dtable: GpuBuf, dout: GpuBuf, ids: GpuBuf, N: number, V: number, C: number): void {
  const chain = rt.alloc(Math.max(8 * N, 4), `embedding.chain (2,${N}) u32`);
  fill(rt, dtable, 0, V * C);
  rt.dispatch({ name: "embedding.chain", code: chainCode }, [chain, ids], packParams([["u", N]]), grid1d(N, 64));
  rt.dispatch({ name: "embedding.backward", code: bwdCode }, [dtable, dout, ids, chain], packParams([["u", N], ["u", C], ["u", V]]), grid1d(N * C, 256));
  rt.free(chain);
}
