// The parameter store of a model: named leaf tensors with their init, shape and weight-decay group.
// Names follow Hugging Face GPT-2 where a counterpart exists (wte, h.0.attn.c_attn.weight), and every linear weight
// is stored (in, out) like GPT-2's Conv1D, so `y = x @ W` needs no transpose and export is a rename.
import type { Device, Tensor } from "@lathe/gpu";
import { hashString, normalArray, uniformArray } from "../rng.ts";

export type Init = { readonly normal: number } | { readonly uniform: number } | "zeros" | "ones";

export interface Param {
  readonly name: string;
  readonly shape: readonly number[];
  readonly tensor: Tensor;
  /** AdamW weight decay applies (2-D matmul weights); not for biases, norm gains or embeddings. */
  readonly decay: boolean;
  /** Multiplier of the learning rate for this param: 1, or µP's base_width / d_model for hidden weights. */
  readonly lrScale: number;
}

export class ParamStore {
  readonly list: Param[] = [];
  private readonly byName = new Map<string, Param>();
  constructor(
    readonly dev: Device,
    readonly seed: number,
  ) {}

  /** Create a parameter with a deterministic init drawn from (seed, name). */
  add(name: string, shape: readonly number[], init: Init, decay: boolean, lrScale = 1): Tensor {
    if (this.byName.has(name)) throw new Error(`parameter "${name}" defined twice`);
    const n = shape.reduce((a, b) => a * b, 1);
    const stream = hashString(`${this.seed}:${name}`);
    const data =
      init === "zeros"
        ? new Float32Array(n)
        : init === "ones"
          ? new Float32Array(n).fill(1)
          : "normal" in init
            ? normalArray(n, init.normal, stream)
            : uniformArray(n, init.uniform, stream);
    const tensor = this.dev.tensor(data, [...shape], { requiresGrad: true, name });
    const p: Param = { name, shape, tensor, decay, lrScale };
    this.list.push(p);
    this.byName.set(name, p);
    return tensor;
  }

  get(name: string): Param | undefined {
    return this.byName.get(name);
  }

  count(): number {
    return this.list.reduce((s, p) => s + p.shape.reduce((a, b) => a * b, 1), 0);
  }
}
