// One batched decode forward of a GPT over rows of many sequences: decode rows (one token each) and prefill chunks
// stacked into N rows, each at its own position; every layer writes the rows' keys and values into the paged cache
// (ops.kvWrite) and attends over each row's own sequence (ops.pagedAttention); only the rows whose next-token
// logits are wanted go through the final norm and the head, and decodeSample draws each of those rows' next token on
// the device (ops.sampleRows), so a step reads back B tokens and B log-probabilities, not (B,V) logits.
// Synchronous: it only enqueues work.
// Dimension letters: N rows, B rows with logits, C d_model, V vocab, L layers, S cache slots per layer, R
// page-table rows, M pages per sequence.
import { type Device, ops, type PagedRows, type Tensor } from "@lathe/gpu";
import type { Gpt } from "../../nn/gpt.ts";
import type { Fwd } from "../../nn/layers.ts";

/** The paged key and value caches of every layer. */
export interface KvCache {
  readonly k: Tensor; // (L,S,C)
  readonly v: Tensor; // (L,S,C)
  readonly pageSize: number;
}

/** The rows of one step, host side. */
export interface StepRows {
  readonly ids: Int32Array; // (N) token fed at each row
  readonly pos: Int32Array; // (N) its position in its sequence
  readonly seq: Int32Array; // (N) its sequence's page-table row
  readonly last: Int32Array; // (B) rows whose next-token logits are wanted
}

/** The sampling settings of the rows with logits, host side (see ops.sampleRows). */
export interface StepSampling {
  readonly temperature: Float32Array; // (B) 0: greedy
  readonly topK: Int32Array; // (B) 0: all
  readonly topP: Float32Array; // (B) 1: all
  readonly uniform: Float32Array; // (B) one draw of each row's own generator (unused by greedy rows)
}

/** What decodeSample enqueues: each wanted row's token and its ln p, and the logits they were drawn from. */
export interface StepSample {
  readonly tokens: Tensor; // i32 (B)
  readonly logprob: Tensor; // (B)
  readonly logits: Tensor; // (B,V)
}

const EVAL: Fwd = { train: false, seed: 0, site: 0 };

/**
 * Enqueue the forward of rows and return the logits (B,V) of rows.last. The caller owns every tensor this makes
 * (run it inside a synchronous dev.tidy). The model's weights should not require grad: then no op records anything.
 */
export function decodeLogits(dev: Device, model: Gpt, cache: KvCache, table: Int32Array /* (R,M) */, R: number, rows: StepRows): Tensor {
  const N = rows.ids.length;
  const { n_head: H } = model.config;
  const paged: PagedRows = {
    pageTable: dev.tensor(table, [R, table.length / R], { name: "pageTable" }),
    seq: dev.tensor(rows.seq, [N], { name: "seq" }),
    pos: dev.tensor(rows.pos, [N], { name: "pos" }),
    pageSize: cache.pageSize,
  };
  let x = ops.embedding(dev.tensor(rows.ids, [N], { name: "ids" }), model.wte); // (N,C)
  if (model.wpe) x = ops.add(x, ops.embedding(paged.pos, model.wpe)); // + learned position of each row
  model.blocks.forEach((b, l) => {
    const qkv = b.attn.cAttn.forward(b.ln1.forward(x)); // (N,3C)
    const q = ops.kvWrite(qkv, cache.k, cache.v, l, paged, { nHead: H, ropeBase: b.attn.o.rope }); // (N,C)
    x = b.attn.cProj.forward(ops.pagedAttention(q, cache.k, cache.v, l, paged, H), x); // x + attn
    x = b.mlp.forward(b.ln2.forward(x), EVAL, x); // x + mlp
  });
  const h = ops.embedding(dev.tensor(rows.last, [rows.last.length], { name: "last" }), x); // (B,C): the wanted rows
  return ops.matmul(model.lnF.forward(h), model.lmHead ?? model.wte, { transB: true }); // (B,V)
}

/** decodeLogits, then one token per row of rows.last drawn on the device. The caller owns every tensor this makes. */
export function decodeSample(dev: Device, model: Gpt, cache: KvCache, table: Int32Array /* (R,M) */, R: number, rows: StepRows, sampling: StepSampling): StepSample {
  const B = rows.last.length;
  const params = { // uploaded before the forward is enqueued: no upload waits on its work
    temperature: dev.tensor(sampling.temperature, [B], { name: "temperature" }),
    topK: dev.tensor(sampling.topK, [B], { name: "topK" }),
    topP: dev.tensor(sampling.topP, [B], { name: "topP" }),
    uniform: dev.tensor(sampling.uniform, [B], { name: "uniform" }),
  };
  const logits = decodeLogits(dev, model, cache, table, R, rows); // (B,V)
  const { tokens, logprob } = ops.sampleRows(logits, params);
  return { tokens, logprob, logits };
}

/** Every tensor the model holds: its parameters and the constant zero biases of bias-free layernorms. */
export function modelTensors(model: Gpt): Tensor[] {
  const norms = [...model.blocks.flatMap((b) => [b.ln1, b.ln2]), model.lnF];
  return [...new Set([...model.params.list.map((p) => p.tensor), ...norms.flatMap((n) => (n.b ? [n.b] : []))])];
}
