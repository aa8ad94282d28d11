// WebGPU dispatch of sampleRows: one workgroup per row of logits (B,V); see sample.wgsl for the passes and
// reference.ts for the semantics. Dimension letters: B rows, V vocab.
import { type GpuBuf, packParams, type Runtime } from "../../runtime.ts";
import { grid1d } from "../grid.ts";
import code from "./sample.wgsl" with { type: "text" };

/** Lanes per row in sample.wgsl (its WG). */
const WG = 64;

/** tokens i32 (B) and logprob (B) from logits (B,V) and per-row temperature, topK i32, topP, uniform (B). */
export function sampleRows(
  rt: Runtime, tokens: GpuBuf, logprob: GpuBuf, logits: GpuBuf,
  temperature: GpuBuf, topK: GpuBuf, topP: GpuBuf, uniform: GpuBuf, B: number, V: number,
): void {
  rt.dispatch({ name: "sample.rows", code }, [tokens, logprob, logits, temperature, topK, topP, uniform], packParams([["u", B], ["u", V]]), grid1d(B * WG, WG));
}
