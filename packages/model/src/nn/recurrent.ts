// One recurrent layer (LSTM or GRU): input projection x @ W_ih + b as one matmul over all steps, then the
// sequential cell over T with W_hh. Starts from zero state each window (truncated BPTT over the context).
// Dimension letters: B batch, T time, I input size, Hd hidden size, G gates (4 for LSTM, 3 for GRU).
import { ops, type Tensor } from "@lathe/gpu";
import type { Cell } from "../config.ts";
import type { ParamStore } from "./params.ts";

export class Recurrent {
  readonly wIh: Tensor; // (I, G*Hd)
  readonly bIh: Tensor; // (G*Hd)
  readonly wHh: Tensor; // (Hd, G*Hd)
  constructor(
    ps: ParamStore,
    name: string,
    readonly cell: Cell,
    I: number,
    readonly Hd: number,
  ) {
    const G = cell === "lstm" ? 4 : 3;
    const a = 1 / Math.sqrt(Hd); // PyTorch's uniform(-1/sqrt(Hd), 1/sqrt(Hd))
    this.wIh = ps.add(`${name}.weight_ih`, [I, G * Hd], { uniform: a }, true);
    const bias = new Float32Array(G * Hd);
    if (cell === "lstm") bias.fill(1, Hd, 2 * Hd); // forget-gate bias 1 (Jozefowicz et al. 2015)
    this.bIh = ps.add(`${name}.bias_ih`, [G * Hd], "zeros", false);
    if (cell === "lstm") this.bIh.write(bias);
    this.wHh = ps.add(`${name}.weight_hh`, [Hd, G * Hd], { uniform: a }, true);
  }
  forward(x: Tensor /* (B,T,I) */): Tensor /* (B,T,Hd) */ {
    const xProj = ops.matmul(x, this.wIh, { bias: this.bIh }); // (B,T,G*Hd)
    return this.cell === "lstm" ? ops.lstm(xProj, this.wHh) : ops.gru(xProj, this.wHh);
  }
}
