// Host inference of a trained model from its weights (a safetensors map + resolved config): feeds one token at a
// time and returns next-token logits, keeping a KV cache per attention block and (h, c) per recurrent layer.
// A µP gpt (mup/rules.ts) scores attention with q·k·query/sqrt(D) and multiplies the logits by its output multiplier.
// Dimension letters: C d_model, H heads, D head size, F mlp hidden, V vocab, Hd recurrent hidden, t position.
import { type ModelConfig, mlpHidden } from "../config.ts";
import type { TensorMap } from "../io/safetensors.ts";
import { mupScales, STANDARD_SCALES } from "../mup/rules.ts";
import { gelu, gruStep, layerNorm, lstmStep, matvec, matvecT, rmsNorm, rope, sigmoid } from "./math.ts";

type Norm = (x: Float32Array) => Float32Array;
type Step = (x: Float32Array /* (C) */, t: number) => Float32Array; // block output to add to the residual

export class HostModel {
  private readonly steps: Step[] = [];
  private readonly resets: (() => void)[] = [];
  private readonly embed: Float32Array; // (V,E)
  private readonly wpe: Float32Array | null; // (T,C)
  private readonly lnF: Norm | null;
  private readonly head: Float32Array; // (V,C)
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
    this.embed = this.get("wte.weight");
    this.window = config.kind === "rnn" ? Number.POSITIVE_INFINITY : config.context;
    const V = config.vocab_size;
    const mup = config.kind === "gpt" ? mupScales(config) : STANDARD_SCALES;
    this.outScale = mup.output;
    if (config.kind === "rnn") {
      this.wpe = null;
      this.lnF = null;
      this.residual = false;
      this.width = config.hidden;
      for (let l = 0; l < config.n_layer; l++) this.steps.push(this.recurrentStep(`rnn.${l}`, config.cell, l === 0 ? config.embedding : config.hidden, config.hidden));
      this.headBias = this.get("lm_head.bias");
    } else {
      const C = config.d_model;
      this.width = C;
      this.residual = true;
      this.wpe = config.pos === "learned" ? this.get("wpe.weight") : null;
      this.headBias = null;
      const rope = config.pos === "rope" ? config.rope_base : null;
      const F = mlpHidden(C, config.mlp_ratio);
      const blocks = config.kind === "gpt" ? Array.from({ length: config.n_layer }, () => ["attention", "mlp"] as const).flat() : config.blocks;
      blocks.forEach((kind, i) => {
        const name = config.kind === "gpt" ? `h.${i >> 1}` : `h.${i}`;
        const norm = this.norm(config.kind === "gpt" ? `${name}.ln_${(i & 1) + 1}` : `${name}.ln`);
        let sub: Step;
        if (kind === "attention") sub = this.attention(`${name}.attn`, C, config.n_head, rope, mup.query);
        else if (kind === "mlp") sub = this.mlp(`${name}.mlp`, C, F, config.mlp === "swiglu");
        else {
          const rnn = this.recurrentStep(`${name}.rnn`, config.kind === "hybrid" ? config.cell : "lstm", C, C);
          const proj = this.linear(`${name}.c_proj`, C, C);
          sub = (x) => proj(rnn(x));
        }
        this.steps.push((x, t) => sub(norm(x), t));
      });
      this.lnF = this.norm("ln_f");
    }
    this.head = config.tie_embeddings ? this.embed : this.get("lm_head.weight");
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
  private opt(name: string): Float32Array | null {
    return (this.w.get(name)?.data as Float32Array | undefined) ?? null;
  }
  private norm(name: string): Norm {
    const w = this.get(`${name}.weight`);
    const b = this.opt(`${name}.bias`);
    const cfg = this.config as { norm?: string };
    return cfg.norm === "rmsnorm" ? (x) => rmsNorm(x, w) : (x) => layerNorm(x, w, b);
  }
  private linear(name: string, I: number, O: number): (x: Float32Array) => Float32Array {
    const W = this.get(`${name}.weight`);
    const b = this.opt(`${name}.bias`);
    return (x) => matvec(new Float32Array(O), x, W, b, I, O);
  }
  private mlp(name: string, C: number, F: number, swiglu: boolean): Step {
    const fc = this.linear(`${name}.c_fc`, C, F);
    const up = swiglu ? this.linear(`${name}.c_up`, C, F) : null;
    const proj = this.linear(`${name}.c_proj`, F, C);
    return (x) => {
      const h = fc(x);
      if (up) {
        const u = up(x);
        for (let i = 0; i < F; i++) h[i] = h[i] * sigmoid(h[i]) * u[i];
      } else for (let i = 0; i < F; i++) h[i] = gelu(h[i]);
      return proj(h);
    };
  }
  private attention(name: string, C: number, H: number, ropeBase: number | null, qScale: number): Step {
    const qkvOf = this.linear(`${name}.c_attn`, C, 3 * C);
    const proj = this.linear(`${name}.c_proj`, C, C);
    const D = C / H;
    const scale = qScale / Math.sqrt(D); // µP: sqrt(D0)/D
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
  private recurrentStep(name: string, cell: "lstm" | "gru", I: number, Hd: number): (x: Float32Array) => Float32Array {
    const G = (cell === "lstm" ? 4 : 3) * Hd;
    const Wi = this.get(`${name}.weight_ih`);
    const bi = this.get(`${name}.bias_ih`);
    const Wh = this.get(`${name}.weight_hh`);
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
      return h.slice();
    };
  }
}
