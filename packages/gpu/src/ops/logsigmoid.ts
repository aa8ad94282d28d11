// Log-sigmoid: log σ(x) elementwise, numerically stable for any finite x (DPO's loss is -logSigmoid(β·margin);
// reward-model pairwise losses alike). d/dx = σ(-x).
import { needsGrad, record } from "../autograd.ts";
import type { Tensor } from "../tensor.ts";
import { expectDtype, node } from "./util.ts";

/** x (...) f32 -> (...) log σ(x) = min(x,0) - log1p(exp(-|x|)); backward dx = dy · σ(-x). */
export function logSigmoid(x: Tensor): Tensor {
  expectDtype("logSigmoid", x, "f32");
  const dev = x.device;
  const out = dev.empty(x.shape, "f32", { name: "logSigmoid" });
  dev.backend.logSigmoid(out.buf, x.buf, x.size);
  if (!needsGrad(x)) return out;
  return record(out, node("logSigmoid", [x], [], (g) => {
    const dx = dev.empty(x.shape);
    dev.backend.logSigmoidBackward(dx.buf, g.buf, x.buf, x.size);
    return [dx];
  }));
}
