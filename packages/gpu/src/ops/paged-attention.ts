// Decoding against a paged KV cache: kvWrite puts one layer's new k/v rows into their pages (and hands back q,
// rotated for RoPE models), pagedAttention attends each query row over its own sequence's cached positions. Rows of
// many sequences (decode rows and prefill chunks) are stacked into one N; the page table says where each sequence's
// positions live (kernels/paged-attention/reference.ts has the layout). Decode only: neither op records onto the
// tape, so the caller's weights may require grad without building a graph.
// Dimension letters: N rows, C channels, H heads, L layers, S slots per layer (pages * page size), R page-table
// rows, M page-table columns.
import { ShapeError } from "../errors.ts";
import type { PagedDims } from "../kernels/paged-attention/reference.ts";
import type { Tensor } from "../tensor.ts";
import { expectDtype, expectRank, fmt } from "./util.ts";

/** Where each query row's sequence keeps its keys and values. */
export interface PagedRows {
  /** i32 (R,M): physical page of logical page j of the sequence in row r; -1 for none. */
  readonly pageTable: Tensor;
  /** i32 (N): the page-table row of each query row. */
  readonly seq: Tensor;
  /** i32 (N): the position of each query row in its sequence; it attends to positions 0..pos (its own included). */
  readonly pos: Tensor;
  /** Positions per page. */
  readonly pageSize: number;
}

export interface KvWriteOptions {
  readonly nHead: number;
  /** RoPE base: q and k are rotated at each row's position; null for none. @default null */
  readonly ropeBase?: number | null;
}

function pagedDims(op: string, N: number, C: number, nHead: number, kCache: Tensor, vCache: Tensor, layer: number, rows: PagedRows): PagedDims {
  expectRank(op, kCache, 3);
  const [L, S, Ck] = kCache.shape;
  if (vCache.shape.join() !== kCache.shape.join()) throw new ShapeError(op, `${fmt(vCache)} differs from ${fmt(kCache)}`, "keys and values caches have one shape (L,S,C)");
  if (Ck !== C) throw new ShapeError(op, `${fmt(kCache)} holds rows of ${Ck} channels for queries of ${C}`, "make the caches (L,S,C) with C = d_model");
  if (!Number.isInteger(layer) || layer < 0 || layer >= L) throw new ShapeError(op, `layer ${layer} is outside the caches' ${L} layers`, `pass a layer in 0..${L - 1}`);
  if (nHead <= 0 || C % nHead !== 0) throw new ShapeError(op, `C=${C} is not divisible by nHead=${nHead}`, "choose d_model as a multiple of n_head");
  const { pageTable, seq, pos, pageSize } = rows;
  for (const t of [pageTable, seq, pos]) expectDtype(op, t, "i32");
  expectRank(op, pageTable, 2);
  if (seq.size !== N || pos.size !== N) throw new ShapeError(op, `${fmt(seq)} and ${fmt(pos)} for ${N} query rows`, "give one page-table row and one position per query row");
  if (!Number.isInteger(pageSize) || pageSize <= 0 || S % pageSize !== 0) throw new ShapeError(op, `page size ${pageSize} does not divide the ${S} slots of ${fmt(kCache)}`, "make the caches (L, pages * pageSize, C)");
  return { N, C, nHead, pageSize, maxPages: pageTable.shape[1], slots: S, layer };
}

/**
 * qkv (N,3C) -> q (N,C); writes k and v of each row into layer `layer` of the caches (L,S,C) at its position
 * (in place). With ropeBase, q and k are rotated at each row's own position (as ops.rope at t = pos).
 */
export function kvWrite(qkv: Tensor, kCache: Tensor, vCache: Tensor, layer: number, rows: PagedRows, opts: KvWriteOptions): Tensor {
  for (const t of [qkv, kCache, vCache]) expectDtype("kvWrite", t, "f32");
  expectRank("kvWrite", qkv, 2);
  const [N, C3] = qkv.shape;
  const C = C3 / 3;
  if (!Number.isInteger(C)) throw new ShapeError("kvWrite", `${fmt(qkv)}: last dim must be 3*C`, "pack q, k, v as (N,3C)");
  const d = pagedDims("kvWrite", N, C, opts.nHead, kCache, vCache, layer, rows);
  const base = opts.ropeBase ?? 0;
  if (base > 0 && (C / opts.nHead) % 2 !== 0) throw new ShapeError("kvWrite", `head size ${C / opts.nHead} is odd`, "rope needs an even head size");
  const q = qkv.device.empty([N, C], "f32", { name: "kvWrite.q" });
  qkv.device.backend.kvWrite(q.buf, kCache.buf, vCache.buf, qkv.buf, rows.pageTable.buf, rows.seq.buf, rows.pos.buf, d, base);
  return q;
}

/** q (N,C) -> (N,C): per row and head, softmax(q·k / sqrt(D)) over the row's cached positions 0..pos, times v. */
export function pagedAttention(q: Tensor, kCache: Tensor, vCache: Tensor, layer: number, rows: PagedRows, nHead: number): Tensor {
  for (const t of [q, kCache, vCache]) expectDtype("pagedAttention", t, "f32");
  expectRank("pagedAttention", q, 2);
  const [N, C] = q.shape;
  const d = pagedDims("pagedAttention", N, C, nHead, kCache, vCache, layer, rows);
  const out = q.device.empty([N, C], "f32", { name: "pagedAttention" });
  q.device.backend.pagedAttention(out.buf, q.buf, kCache.buf, vCache.buf, rows.pageTable.buf, rows.seq.buf, rows.pos.buf, d);
  return out;
}
