// One recurrent layer (LSTM or GRU): input projection x @ W_ih + b as one matmul over all steps, then the
// sequential cell over T with W_hh. Starts from zero state each window (truncated BPTT over the context).
// Dimension letters: B batch, T time, I input size, Hd hidden size, G gates (4 for LSTM, 3 for GRU).
import { ops, type Tensor } from "@lathe/gpu";
import type { RecurrentSpec } from "../arch/types.ts";
import type { ParamStore } from "./params.ts";

export class Recurrent {
  readonly cell: "lstm" | "gru";
  readonly wIh: Tensor; // (I, G*Hd)
  readonly bIh: Tensor; // (G*Hd)
  readonly wHh: Tensor; // (Hd, G*Hd)
  constructor(ps: ParamStore, spec: RecurrentSpec) {
    this.cell = spec.cell;
    this.wIh = ps.take(spec.ih.weight);
    this.bIh = ps.take(spec.ih.bias!);
    this.wHh = ps.take(spec.hh);
  }
  forward(x: Tensor /* (B,T,I) */): Tensor /* (B,T,Hd) */ {
    const xProj = ops.matmul(x, this.wIh, { bias: this.bIh }); // (B,T,G*Hd)
    return this.cell === "lstm" ? ops.lstm(xProj, this.wHh) : ops.gru(xProj, this.wHh);
  }
}
