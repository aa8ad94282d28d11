// WebGPU dispatch of log-sigmoid forward and backward (logsigmoid.wgsl), one invocation per element.
import { type GpuBuf, packParams, type Runtime } from "../../runtime.ts";
import { grid1d } from "../grid.ts";
import code from "./logsigmoid.wgsl" with { type: "text" };

/** out (n) = log σ(x); see reference.ts. */
export function logSigmoidForward(rt: Runtime, out: GpuBuf, x: GpuBuf, n: number): void {
  rt.dispatch({ name: "logsigmoid.forward", code, constants: { OP: 0 } }, [out, x, rt.dummy(0)], packParams([["u", n]]), grid1d(n, 256));
}

/** dx (n) = dout · σ(-x), overwritten. */
export function logSigmoidBackward(rt: Runtime, dx: GpuBuf, dout: GpuBuf, x: GpuBuf, n: number): void {
  rt.dispatch({ name: "logsigmoid.backward", code, constants: { OP: 1 } }, [dx, x, dout], packParams([["u", n]]), grid1d(n, 256));
}
