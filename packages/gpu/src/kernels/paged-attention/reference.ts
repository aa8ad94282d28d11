// CPU references for decoding against a paged KV cache, same signatures as the WebGPU dispatchers in
// paged-attention.ts minus the runtime. The caches hold every layer's keys (values) in pages of PG positions:
// kCache, vCache (L, S, C) with S = P*PG slots per layer; sequence r's logical page j is physical page
// pageTable[r*M + j], so its position u lives in slot pageTable[r*M + floor(u/PG)]*PG + u%PG.
// Each query row n belongs to page-table row seq[n] at position pos[n] and attends causally to positions 0..pos[n].
// Dimension letters: N query rows, C channels, H heads, D head size (C/H), L layers, P pages, PG page size,
// M page-table columns (pages per sequence at most), S slots per layer (P*PG), R page-table rows.

export interface PagedDims {
  /** Query rows this step (decode rows of every sequence, and prefill chunks, stacked). */
  readonly N: number;
  readonly C: number;
  readonly nHead: number;
  /** Positions per page (PG). */
  readonly pageSize: number;
  /** Columns of the page table (M): pages one sequence can hold. */
  readonly maxPages: number;
  /** Slots per layer in the caches (S = P*PG). */
  readonly slots: number;
  /** The layer whose part of the caches is read and written. */
  readonly layer: number;
}

/** The cache row (of C values) holding position u of page-table row r in dims d's layer, or -1 for no page. */
export function slotOf(pageTable: Int32Array, r: number, u: number, d: PagedDims): number {
  const page = pageTable[r * d.maxPages + Math.floor(u / d.pageSize)];
  return page < 0 ? -1 : d.layer * d.slots + page * d.pageSize + (u % d.pageSize);
}

/**
 * q (N,C) = the q part of qkv (N,3C); k and v parts written to row pos[n]'s slot of the caches. With ropeBase > 0,
 * q and k are rotated at position pos[n] (half-split pairs, theta = pos * base^(-2i/D), as kernels/rope). A row whose
 * position is negative or has no page writes nothing to the caches.
 */
export function kvWriteRef(
  q: Float32Array, kCache: Float32Array, vCache: Float32Array, qkv: Float32Array, pageTable: Int32Array, seq: Int32Array,
  pos: Int32Array, d: PagedDims, ropeBase: number,
): void {
  const { N, C, nHead } = d;
  const D = C / nHead;
  const half = D / 2;
  const rot = new Float32Array(2 * C); // q | k of one row, rotated
  for (let n = 0; n < N; n++) {
    const row = n * 3 * C;
    rot.set(qkv.subarray(row, row + 2 * C));
    if (ropeBase > 0) {
      for (let part = 0; part < 2; part++) {
        for (let h = 0; h < nHead; h++) {
          const o = part * C + h * D;
          for (let i = 0; i < half; i++) {
            const theta = pos[n] * Math.pow(ropeBase, (-2 * i) / D);
            const [cs, sn] = [Math.cos(theta), Math.sin(theta)];
            const [x1, x2] = [qkv[row + o + i], qkv[row + o + i + half]];
            rot[o + i] = x1 * cs - x2 * sn;
            rot[o + i + half] = x2 * cs + x1 * sn;
          }
        }
      }
    }
    q.set(rot.subarray(0, C), n * C);
    const s = pos[n] < 0 ? -1 : slotOf(pageTable, seq[n], pos[n], d);
    if (s < 0) continue;
    kCache.set(rot.subarray(C, 2 * C), s * C);
    vCache.set(qkv.subarray(row + 2 * C, row + 3 * C), s * C);
  }
}

/** out (N,C): per row n and head h, softmax(q·k_u / sqrt(D)) over u = 0..pos[n] of its sequence, times v_u. */
export function pagedAttentionRef(
  out: Float32Array, q: Float32Array, kCache: Float32Array, vCache: Float32Array, pageTable: Int32Array, seq: Int32Array,
  pos: Int32Array, d: PagedDims,
): void {
  const { N, C, nHead } = d;
  const D = C / nHead;
  const scale = 1 / Math.sqrt(D);
  for (let n = 0; n < N; n++) {
    const len = pos[n] + 1;
    const slots = Array.from({ length: Math.max(len, 0) }, (_, u) => slotOf(pageTable, seq[n], u, d));
    const s = new Float64Array(slots.length);
    for (let h = 0; h < nHead; h++) {
      let m = -Infinity;
      slots.forEach((slot, u) => {
        let dot = 0;
        for (let i = 0; i < D; i++) dot += q[n * C + h * D + i] * kCache[slot * C + h * D + i];
        s[u] = dot * scale;
        m = Math.max(m, s[u]);
      });
      let z = 0;
      for (let u = 0; u < s.length; u++) z += s[u] = Math.exp(s[u] - m);
      for (let i = 0; i < D; i++) {
        let acc = 0;
        slots.forEach((slot, u) => (acc += s[u] * vCache[slot * C + h * D + i]));
        out[n * C + h * D + i] = s.length ? acc / z : 0;
      }
    }
  }
}
