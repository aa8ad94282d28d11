// The declarative description of a model: every parameter (checkpoint name, shape, init, weight decay, lr scale)
// and every block (its kind, the settings its forward needs, the names of its tensors and its cost per token).
// describeArch (describe.ts) writes it once per architecture; the training modules (nn/*), the estimate, the host
// reference model and the exporters read it instead of spelling the architecture out again.
// Dimension letters: C d_model, H heads, F mlp hidden, E experts, k top_k, I in, O out, Hd recurrent hidden,
// G gates, T context, V vocab.

/** How a parameter starts, drawn deterministically from (seed, name). `fill`: zeros but [from, to) = value. */
export type Init =
  | { readonly normal: number }
  | { readonly uniform: number }
  | "zeros"
  | "ones"
  | { readonly fill: number; readonly from: number; readonly to: number };

export interface ParamSpec {
  /** Checkpoint and safetensors name (Hugging Face GPT-2's where one exists: "h.0.attn.c_attn.weight"). */
  readonly name: string;
  readonly shape: readonly number[];
  readonly init: Init;
  /** AdamW weight decay applies (matmul weights); not for biases, norm gains or embeddings. */
  readonly decay: boolean;
  /** Multiplier of the learning rate: 1, or µP's base_width / d_model for hidden weights. */
  readonly lrScale: number;
}

/** A linear map y = x·W + b: W (I,O), b (O); stacked per expert: W (E,I,O), b (E,O). */
export interface LinearSpec {
  readonly weight: string;
  readonly bias: string | null;
  readonly I: number;
  readonly O: number;
}

export interface NormSpec {
  readonly kind: "layernorm" | "rmsnorm";
  readonly weight: string; // (C)
  readonly bias: string | null; // (C); a bias-free layernorm uses constant zeros
  readonly C: number;
  /** Constant multiplier of the output (µP's readout multiplier on ln_f). */
  readonly outScale: number;
}

/** What a block costs per token: parameters (all, and those one token uses), FLOPs beyond them, activations. */
export interface Cost {
  /** Parameters of the block, its pre-norm included. */
  readonly params: number;
  /** Of those, the ones one token's forward multiplies (MoE: the router and top_k of the experts). */
  readonly activeParams: number;
  /** FLOPs per token, forward and backward, that are not 6 x a weight (attention's QK^T and AV). */
  readonly extraFlops: number;
  /** Floats kept per token for the backward (forward values). */
  readonly actPerToken: number;
  /** Floats of the block's biggest tensor per sequence of T tokens. */
  readonly largestPerSeq: number;
}

interface BlockBase {
  /** Prefix of its parameters: "h.0.attn", "h.1.moe", "rnn.0". */
  readonly name: string;
  /** Layer index (gpt: the transformer block h.l; hybrid: the block h.i; rnn: the layer). */
  readonly layer: number;
  /** Pre-norm of a residual block; null for the rnn's stacked layers. */
  readonly norm: NormSpec | null;
  /** Its parameters in creation order, its norm's first. */
  readonly params: readonly ParamSpec[];
  readonly cost: Cost;
  /** Dropout on its output in training. */
  readonly dropout: number;
}

export interface AttentionSpec extends BlockBase {
  readonly kind: "attention";
  readonly C: number;
  readonly nHead: number;
  /** RoPE base, or null without rotary positions. */
  readonly rope: number | null;
  /** × the queries (µP: scores q·k·sqrt(D0)/D); 1 otherwise. */
  readonly qScale: number;
  readonly qkv: LinearSpec; // (C,3C)
  readonly proj: LinearSpec; // (C,C)
}

export interface MlpSpec extends BlockBase {
  readonly kind: "mlp";
  readonly C: number;
  readonly F: number;
  readonly act: "gelu" | "swiglu";
  readonly fc: LinearSpec; // (C,F); swiglu: the gate
  readonly up: LinearSpec | null; // (C,F), swiglu only
  readonly proj: LinearSpec; // (F,C)
}

/** A mixture-of-experts feed-forward: a router (C,E) and E MLPs stacked (E,C,F) / (E,F,C), plus shared experts. */
export interface MoeSpec extends BlockBase {
  readonly kind: "moe";
  readonly C: number;
  readonly F: number;
  readonly act: "gelu" | "swiglu";
  readonly experts: number;
  readonly topK: number;
  readonly capacityFactor: number;
  readonly router: "softmax" | "sigmoid";
  readonly auxLoss: number;
  readonly zLoss: number;
  readonly gate: LinearSpec; // (C,E), no bias
  readonly fc: LinearSpec; // (E,C,F)
  readonly up: LinearSpec | null; // (E,C,F), swiglu only
  readonly proj: LinearSpec; // (E,F,C)
  /** The shared experts as one MLP of width shared_experts·F (a sum of MLPs is one wider MLP); null for none. */
  readonly shared: MlpSpec | null;
}

export interface RecurrentSpec extends BlockBase {
  readonly kind: "recurrent";
  readonly cell: "lstm" | "gru";
  readonly I: number;
  readonly Hd: number;
  readonly ih: LinearSpec; // (I,G·Hd), bias (G·Hd)
  readonly hh: string; // (Hd,G·Hd)
  /** hybrid: the projection back into the residual stream (Hd,C); null for the rnn's layers. */
  readonly proj: LinearSpec | null;
}

export type BlockSpec = AttentionSpec | MlpSpec | MoeSpec | RecurrentSpec;

export interface ArchSpec {
  readonly kind: "gpt" | "rnn" | "hybrid";
  readonly vocab: number;
  readonly context: number;
  /** Size of the token embedding rows. */
  readonly embedWidth: number;
  /** W: the hidden size the head reads. */
  readonly width: number;
  readonly wte: string; // (V, embedWidth)
  readonly wpe: string | null; // (T, C), learned positions only
  /** Dropout on the embedding in training. */
  readonly dropout: number;
  /** gpt, hybrid: x += block(norm(x)); rnn: x = dropout(layer(x)). */
  readonly residual: boolean;
  readonly blocks: readonly BlockSpec[];
  readonly lnF: NormSpec | null;
  /** The head: logits = h · weightᵀ (+ bias); weight is wte when tied. */
  readonly head: { readonly weight: string; readonly bias: string | null; readonly tied: boolean };
  /** Every parameter in creation order. */
  readonly params: readonly ParamSpec[];
}
