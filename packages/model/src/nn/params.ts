// The parameter store of a model: named leaf tensors with their init, shape and weight-decay group, created from
// the architecture's description (arch/: declare, then each module takes its tensors by name).
// Names follow Hugging Face GPT-2 where a counterpart exists (wte, h.0.attn.c_attn.weight), and every linear weight
// is stored (in, out) like GPT-2's Conv1D, so `y = x @ W` needs no transpose and export is a rename.
import type { Device, Tensor } from "@lathe/gpu";
import type { Init, ParamSpec } from "../arch/types.ts";
import { hashString, normalArray, uniformArray } from "../rng.ts";

export type { Init } from "../arch/types.ts";

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
  private readonly taken = new Set<string>();
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
            : "uniform" in init
              ? uniformArray(n, init.uniform, stream)
              : new Float32Array(n).fill(init.fill, init.from, init.to);
    const tensor = this.dev.tensor(data, [...shape], { requiresGrad: true, name });
    const p: Param = { name, shape, tensor, decay, lrScale };
    this.list.push(p);
    this.byName.set(name, p);
    return tensor;
  }

  /** Create every parameter of an architecture's description, in its order. */
  declare(specs: readonly ParamSpec[]): void {
    for (const p of specs) this.add(p.name, p.shape, p.init, p.decay, p.lrScale);
  }

  /** A declared parameter's tensor, for the module that computes with it. */
  take(name: string): Tensor {
    const p = this.byName.get(name);
    if (!p) throw new Error(`parameter "${name}" is not in the model's description (arch/describe.ts)`);
    this.taken.add(name);
    return p.tensor;
  }

  /** take(name), or null for an absent optional tensor (a bias of a bias-free layer). */
  maybe(name: string | null): Tensor | null {
    return name === null ? null : this.take(name);
  }

  /** Declared parameters no module took: a description and a forward that disagree (checked by buildModel). */
  untaken(): string[] {
    return this.list.filter((p) => !this.taken.has(p.name)).map((p) => p.name);
  }

  /** Stop gradients to every parameter: a frozen model (a reference policy) costs no gradients or tape. */
  freeze(): void {
    for (const p of this.list) p.tensor.requiresGrad = false;
  }

  get(name: string): Param | undefined {
    return this.byName.get(name);
  }

  count(): number {
    return this.list.reduce((s, p) => s + p.shape.reduce((a, b) => a * b, 1), 0);
  }
}
