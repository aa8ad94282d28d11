// Host inference of a trained model from its weights (a safetensors map + resolved config): feeds one token at a
// time and returns next-token logits, keeping a KV cache per attention block and (h, c) per recurrent layer. The
// blocks, their tensors and settings come from the model's description (arch/describe.ts), as for training.
// A µP gpt (mup/rules.ts) scores attention with q·k·query/sqrt(D) and multiplies the logits by its output multiplier.
// A mixture-of-experts block sends the token to its top_k experts (no capacity: inference drops nothing).
// Dimension letters: C d_model, H heads, D head size, F mlp hidden, E experts, k top_k, V vocab, Hd recurrent
// hidden, t position.
import { describeArch } from "../arch/describe.ts";
import type { AttentionSpec, BlockSpec, LinearSpec, MlpSpec, MoeSpec, NormSpec, RecurrentSpec } from "../arch/types.ts";
import type { ModelConfig } from "../config.ts";
import type { TensorMap } from "../io/safetensors.ts";
import { gelu, gruStep, layerNorm, lstmStep, matvec, matvecT, rmsNorm, rope, sigmoid } from "./math.ts";

type Norm = (x: Float32Array) => Float32Array;
type Step = (x: Float32Array /* (C) */, t: number) => Float32Array; // block output to add to the residual
type Lin = (x: Float32Array) => Float32Array;

export class HostModel {
  private readonly steps: Step[] = [];
  private readonly resets: (() => void)[] = [];
  private readonly embed: Float32Array; // (V,E)
  private readonly wpe: Float32Array | null; // (T,C)
  private readonly lnF: Norm | null;
  private readonly head: Float32Array; // (V,W)
  private readonly headBias: Float32Array | null; // (V)
  private readonly residual: boolean;
  private readonly width: number;
  private readonly outScale: number; // µP's readout multiplier (1 otherwise)
  /** Tokens fed since reset (the position of the next one). */
  pos = 0;
  /** Positions the model can attend over (its training context); unbounded for a pure recurrent model. */
  readonly window: number;

  constructor(
    readonly config: ModelConfig,
    private readonly w: TensorMap,
  ) {
    const arch = describeArch(config);
    this.embed = this.get(arch.wte);
    this.window = config.kind === "rnn" ? Number.POSITIVE_INFINITY : config.context;
    this.width = arch.width;
    this.residual = arch.residual;
    this.wpe = arch.wpe ? this.get(arch.wpe) : null;
    for (const b of arch.blocks) {
      const sub = this.block(b);
      const norm = b.norm ? this.norm(b.norm) : null;
      this.steps.push(norm ? (x, t) => sub(norm(x), t) : sub);
    }
    this.lnF = arch.lnF ? this.norm(arch.lnF) : null;
    this.outScale = arch.lnF?.outScale ?? 1;
    this.head = this.get(arch.head.weight);
    this.headBias = arch.head.bias ? this.get(arch.head.bias) : null;
    const V = config.vocab_size;
    if (this.head.length !== V * this.width) throw new Error(`head has ${this.head.length} values, expected ${V}x${this.width}`);
  }

  reset(): void {
    this.pos = 0;
    for (const r of this.resets) r();
  }

  /** Feed one token; returns logits (V) for the next. */
  step(token: number): Float32Array {
    const t = this.pos++;
    const E = this.embed.length / this.config.vocab_size;
    let x: Float32Array = this.embed.slice(token * E, (token + 1) * E);
    if (this.wpe) for (let c = 0; c < E; c++) x[c] += this.wpe[t * E + c];
    for (const s of this.steps) {
      const y = s(x, t);
      if (this.residual) for (let c = 0; c < x.length; c++) x[c] += y[c];
      else x = y;
    }
    if (this.lnF) x = this.lnF(x);
    if (this.outScale !== 1) for (let c = 0; c < x.length; c++) x[c] *= this.outScale;
    return matvecT(new Float32Array(this.config.vocab_size), x, this.head, this.headBias, this.config.vocab_size, this.width);
  }

  private get(name: string): Float32Array {
    const t = this.w.get(name);
    if (!t) throw new Error(`weights have no tensor "${name}"`);
    return t.data as Float32Array;
  }
  private opt(name: string | null): Float32Array | null {
    return name === null ? null : ((this.w.get(name)?.data as Float32Array | undefined) ?? null);
  }
  private block(b: BlockSpec): Step {
    if (b.kind === "attention") return this.attention(b);
    if (b.kind === "mlp") return this.mlp(b);
    if (b.kind === "moe") return this.moe(b);
    return this.recurrent(b);
  }
  private norm(n: NormSpec): Norm {
    const w = this.get(n.weight);
    const b = this.opt(n.bias);
    return n.kind === "rmsnorm" ? (x) => rmsNorm(x, w) : (x) => layerNorm(x, w, b);
  }
  /** x·W + b; for an expert-stacked map, expert e's slice of W (E,I,O) and b (E,O). */
  private linear(l: LinearSpec, expert = 0): Lin {
    const { I, O } = l;
    const W = this.get(l.weight).subarray(expert * I * O, (expert + 1) * I * O);
    const b = this.opt(l.bias)?.subarray(expert * O, (expert + 1) * O) ?? null;
    return (x) => matvec(new Float32Array(O), x, W, b, I, O);
  }
  /** The feed-forward (gelu or swiglu) of an MLP, or of one expert of a stacked one. */
  private ffn(fcSpec: LinearSpec, upSpec: LinearSpec | null, projSpec: LinearSpec, expert = 0): Lin {
    const F = fcSpec.O;
    const fc = this.linear(fcSpec, expert);
    const up = upSpec ? this.linear(upSpec, expert) : null;
    const proj = this.linear(projSpec, expert);
    return (x) => {
      const h = fc(x);
      if (up) {
        const u = up(x);
        for (let i = 0; i < F; i++) h[i] = h[i] * sigmoid(h[i]) * u[i];
      } else for (let i = 0; i < F; i++) h[i] = gelu(h[i]);
      return proj(h);
    };
  }
  private mlp(m: MlpSpec): Lin {
    return this.ffn(m.fc, m.up, m.proj);
  }
  /**
   * Route to the k largest router logits (ties to the lower id); gates: softmax over the k picked logits, or their
   * sigmoids divided by their sum; with k = 1 the picked softmax probability or sigmoid itself. out = Σ gate ·
   * expert(x) + the shared experts' MLP.
   */
  private moe(m: MoeSpec): Step {
    const { experts: E, topK: k, C } = m;
    const router = this.linear(m.gate);
    const experts = Array.from({ length: E }, (_, e) => this.ffn(m.fc, m.up, m.proj, e));
    const shared = m.shared ? this.mlp(m.shared) : null;
    return (x) => {
      const logits = router(x); // (E)
      const order = Array.from({ length: E }, (_, e) => e).sort((a, b) => logits[b] - logits[a] || a - b).slice(0, k);
      const mx = logits[order[0]!]!;
      const weights = order.map((e) => (m.router === "softmax" ? Math.exp(logits[e] - mx) : sigmoid(logits[e])));
      // top_k 1: the gate is the expert's probability itself (Switch), not renormalized to 1
      const total = k > 1 ? weights.reduce((a, b) => a + b, 0) : m.router === "sigmoid" ? 1 : logits.reduce((z, l) => z + Math.exp(l - mx), 0);
      const y = shared ? shared(x) : new Float32Array(C);
      order.forEach((e, j) => {
        const ye = experts[e]!(x);
        const g = weights[j]! / total;
        for (let c = 0; c < C; c++) y[c] += g * ye[c];
      });
      return y;
    };
  }
  private attention(a: AttentionSpec): Step {
    const { C, nHead: H, rope: ropeBase } = a;
    const qkvOf = this.linear(a.qkv);
    const proj = this.linear(a.proj);
    const D = C / H;
    const scale = a.qScale / Math.sqrt(D); // µP: sqrt(D0)/D
    let keys: Float32Array[] = []; // per position (C)
    let values: Float32Array[] = [];
    this.resets.push(() => {
      keys = [];
      values = [];
    });
    return (x, t) => {
      const qkv = qkvOf(x); // (3C)
      if (ropeBase !== null) {
        rope(qkv, 0, C, H, t, ropeBase);
        rope(qkv, C, C, H, t, ropeBase);
      }
      keys.push(qkv.slice(C, 2 * C));
      values.push(qkv.slice(2 * C, 3 * C));
      const y = new Float32Array(C);
      const att = new Float64Array(keys.length);
      for (let h = 0; h < H; h++) {
        let mx = -Infinity;
        for (let s = 0; s < keys.length; s++) {
          let d = 0;
          for (let i = 0; i < D; i++) d += qkv[h * D + i] * keys[s][h * D + i];
          att[s] = d * scale;
          if (att[s] > mx) mx = att[s];
        }
        let z = 0;
        for (let s = 0; s < keys.length; s++) z += att[s] = Math.exp(att[s] - mx);
        for (let s = 0; s < keys.length; s++) {
          const p = att[s] / z;
          for (let i = 0; i < D; i++) y[h * D + i] += p * values[s][h * D + i];
        }
      }
      return proj(y);
    };
  }
  /** One LSTM/GRU step; a hybrid's recurrent block also projects back into the residual stream. */
  private recurrent(r: RecurrentSpec): Step {
    const { cell, I, Hd } = r;
    const G = (cell === "lstm" ? 4 : 3) * Hd;
    const Wi = this.get(r.ih.weight);
    const bi = this.get(r.ih.bias!);
    const Wh = this.get(r.hh);
    const proj = r.proj ? this.linear(r.proj) : null;
    let h = new Float32Array(Hd);
    let c = new Float32Array(Hd);
    this.resets.push(() => {
      h = new Float32Array(Hd);
      c = new Float32Array(Hd);
    });
    return (x) => {
      const pre = matvec(new Float32Array(G), x, Wi, bi, I, G);
      if (cell === "lstm") lstmStep(pre, h, c, Wh, Hd);
      else gruStep(pre, h, Wh, Hd);
      return proj ? proj(h) : h.slice();
    };
  }
}
