// The CPU backend: every kernel is its plain TypeScript reference over typed arrays (matmul: cpu/matmul.ts, a faster
// loop order checked against kernels/matmul/reference.ts). Slow, exact, the oracle the WebGPU kernels are tested against.
import type { Backend, Buf } from "./backend.ts";
import type { DType, TypedArray } from "./types.ts";
import * as cast from "./kernels/cast/reference.ts";
import * as half from "./kernels/elementwise-f16/reference.ts";
import * as ew from "./kernels/elementwise/reference.ts";
import * as emb from "./kernels/embedding/reference.ts";
import * as ln from "./kernels/layernorm/reference.ts";
import * as rms from "./kernels/rmsnorm/reference.ts";
import * as act from "./kernels/activation/reference.ts";
import * as sm from "./kernels/softmax/reference.ts";
import * as rope from "./kernels/rope/reference.ts";
import * as ce from "./kernels/crossentropy/reference.ts";
import * as lp from "./kernels/logprobs/reference.ts";
import * as lsig from "./kernels/logsigmoid/reference.ts";
import * as rs from "./kernels/rowscale/reference.ts";
import * as drop from "./kernels/dropout/reference.ts";
import * as lstm from "./kernels/lstm/reference.ts";
import * as gru from "./kernels/gru/reference.ts";
import * as red from "./kernels/reduce/reference.ts";
import * as adam from "./kernels/adamw/reference.ts";
import * as mm from "./cpu/matmul.ts";
import * as attn from "./kernels/attention/reference.ts";
import * as paged from "./kernels/paged-attention/reference.ts";
import * as sample from "./kernels/sample/reference.ts";
import * as moe from "./kernels/moe/reference.ts";

type F = Float32Array;
type I = Int32Array;
const f = (b: Buf): F => b as unknown as F;
const fo = (b: Buf | null): F | null => (b === null ? null : (b as unknown as F));
const i = (b: Buf): I => b as unknown as I;

export function createCpuBackend(): Backend {
  return {
    kind: "cpu",
    supportsF16: true,
    adapterName: "cpu",
    // f16 is emulated: a Float32Array whose values are always f16-representable (rounded on every write).
    alloc: (n: number, dtype: DType) => (dtype === "i32" ? new Int32Array(n) : new Float32Array(n)) as unknown as Buf,
    free: () => {},
    view: (b, offset, n) => (b as unknown as TypedArray).subarray(offset, offset + n) as unknown as Buf,
    write: (b, data, dtype) => {
      (b as unknown as TypedArray).set(data);
      if (dtype === "f16") cast.roundF16InPlace(f(b), data.length);
    },
    read: async (b, n) => (b as unknown as TypedArray).slice(0, n),
    flush: () => {},
    destroy: () => {},

    fill: (out, v, n, dtype) => ew.fillRef(f(out), dtype === "f16" ? cast.roundF16(v) : v, n),
    copy: (out, src, n) => f(out).set(f(src).subarray(0, n)),
    cast: (out, x, n, to) => cast.castRef(f(out), f(x), n, to),
    halfOp: (op, out, a, b, n, nb, s) => half.halfOpRef(op, f(out), fo(a), fo(b), n, nb, s),
    add: (out, a, b, n, nb) => ew.addForwardRef(f(out), f(a), f(b), n, nb),
    mul: (out, a, b, n, nb) => ew.mulForwardRef(f(out), f(a), f(b), n, nb),
    scale: (out, a, s, n) => ew.scaleForwardRef(f(out), f(a), s, n),
    accumulate: (dst, src, n) => ew.accumulateRef(f(dst), f(src), n),
    sumRows: (out, x, rows, cols) => ew.sumRowsRef(f(out), f(x), rows, cols),

    matmul: (out, a, b, bias, d, o, epi) => {
      mm.matmulForwardFast(f(out), f(a), f(b), fo(bias), d, o);
      if (!epi) return;
      const n = d.batch * d.M * d.N;
      const y = f(out);
      if (epi.kind === "residual") ew.addForwardRef(y, y, f(epi.residual), n, n);
      else if (epi.kind === "gelu") act.geluForwardRef(f(epi.act), y, n);
      else act.geluBackwardRef(y, y.slice(0, n), f(epi.pre), n);
    },
    matmulBackward: (da, db, dbias, dout, a, b, d, o) => mm.matmulBackwardFast(fo(da), fo(db), fo(dbias), f(dout), f(a), f(b), d, o),

    embedding: (out, ids, table, N, V, C) => emb.embeddingForwardRef(f(out), i(ids), f(table), N, V, C),
    embeddingBackward: (dt, dout, ids, N, V, C) => emb.embeddingBackwardRef(f(dt), f(dout), i(ids), N, V, C),

    layerNorm: (out, mean, rstd, x, w, b, N, C, eps) => ln.layerNormForwardRef(f(out), f(mean), f(rstd), f(x), f(w), f(b), N, C, eps),
    layerNormBackward: (dx, dw, db, dout, x, w, mean, rstd, N, C, acc) =>
      ln.layerNormBackwardRef(f(dx), f(dw), f(db), f(dout), f(x), f(w), f(mean), f(rstd), N, C, acc),
    rmsNorm: (out, rstd, x, w, N, C, eps) => rms.rmsNormForwardRef(f(out), f(rstd), f(x), f(w), N, C, eps),
    rmsNormBackward: (dx, dw, dout, x, w, rstd, N, C) => rms.rmsNormBackwardRef(f(dx), f(dw), f(dout), f(x), f(w), f(rstd), N, C),

    gelu: (out, x, n) => act.geluForwardRef(f(out), f(x), n),
    geluBackward: (dx, dout, x, n) => act.geluBackwardRef(f(dx), f(dout), f(x), n),
    silu: (out, x, n) => act.siluForwardRef(f(out), f(x), n),
    siluBackward: (dx, dout, x, n) => act.siluBackwardRef(f(dx), f(dout), f(x), n),
    swiglu: (out, g, u, n) => act.swigluForwardRef(f(out), f(g), f(u), n),
    swigluBackward: (dg, du, dout, g, u, n) => act.swigluBackwardRef(f(dg), f(du), f(dout), f(g), f(u), n),

    softmax: (out, x, N, C) => sm.softmaxForwardRef(f(out), f(x), N, C),
    softmaxBackward: (dx, dout, y, N, C) => sm.softmaxBackwardRef(f(dx), f(dout), f(y), N, C),

    rope: (out, qkv, d, base) => rope.ropeForwardRef(f(out), f(qkv), d, base),
    ropeBackward: (dq, dout, d, base) => rope.ropeBackwardRef(f(dq), f(dout), d, base),
    attention: (out, lse, qkv, d, causal) => attn.attentionForwardRef(f(out), f(lse), f(qkv), d, causal),
    attentionBackward: (dq, dout, out, lse, qkv, d, causal) => attn.attentionBackwardRef(f(dq), f(dout), f(out), f(lse), f(qkv), d, causal),

    crossEntropy: (losses, weights, lse, logits, targets, mask, N, V, ig) =>
      ce.crossEntropyForwardRef(f(losses), f(weights), f(lse), f(logits), i(targets), fo(mask), N, V, ig),
    crossEntropyMean: (out, denom, losses, weights, N) => ce.crossEntropyMeanRef(f(out), f(denom), f(losses), f(weights), N),
    crossEntropyBackward: (dl, dloss, denom, logits, lse, targets, weights, N, V) =>
      ce.crossEntropyBackwardRef(f(dl), f(dloss), f(denom), f(logits), f(lse), i(targets), f(weights), N, V),
    tokenLogprobs: (logp, lse, greedy, logits, targets, N, V) => lp.tokenLogprobsForwardRef(f(logp), f(lse), i(greedy), f(logits), i(targets), N, V),
    tokenLogprobsBackward: (dl, dlogp, logits, lse, targets, N, V) => lp.tokenLogprobsBackwardRef(f(dl), f(dlogp), f(logits), f(lse), i(targets), N, V),
    logSigmoid: (out, x, n) => lsig.logSigmoidForwardRef(f(out), f(x), n),
    logSigmoidBackward: (dx, dout, x, n) => lsig.logSigmoidBackwardRef(f(dx), f(dout), f(x), n),
    rowScale: (out, x, s, N, D) => rs.rowScaleForwardRef(f(out), f(x), f(s), N, D),
    rowScaleBackward: (dx, ds, dout, x, s, N, D) => rs.rowScaleBackwardRef(fo(dx), fo(ds), f(dout), f(x), f(s), N, D),

    kvWrite: (q, kc, vc, qkv, pt, seq, pos, d, base) => paged.kvWriteRef(f(q), f(kc), f(vc), f(qkv), i(pt), i(seq), i(pos), d, base),
    pagedAttention: (out, q, kc, vc, pt, seq, pos, d) => paged.pagedAttentionRef(f(out), f(q), f(kc), f(vc), i(pt), i(seq), i(pos), d),
    sampleRows: (tok, lp, logits, t, k, p, u, B, V) => sample.sampleRowsRef(i(tok), f(lp), f(logits), f(t), i(k), f(p), f(u), B, V),

    moeRoute: (gates, ex, probs, logits, N, E, k, mode) => moe.moeRouteForwardRef(f(gates), i(ex), f(probs), f(logits), N, E, k, mode),
    moeGatesBackward: (dl, dg, gates, ex, logits, N, E, k, mode) => moe.moeGatesBackwardRef(f(dl), f(dg), f(gates), i(ex), f(logits), N, E, k, mode),
    moeProbsBackward: (dl, dp, probs, logits, N, E, mode) => moe.moeProbsBackwardRef(f(dl), f(dp), f(probs), f(logits), N, E, mode),
    moeDispatch: (rowOf, slotOf, counts, ex, N, k, E, cap) => moe.moeDispatchRef(i(rowOf), i(slotOf), i(counts), i(ex), N, k, E, cap),
    moeGather: (out, x, rowOf, M, N, C) => moe.moeGatherForwardRef(f(out), f(x), i(rowOf), M, N, C),
    moeGatherBackward: (dx, dout, rowOf, M, N, C) => moe.moeGatherBackwardRef(f(dx), f(dout), i(rowOf), M, N, C),
    groupedMatmul: (out, x, w, bias, d) => moe.groupedMatmulForwardRef(f(out), f(x), f(w), fo(bias), d),
    groupedMatmulBackward: (dx, dw, db, dout, x, w, d) => moe.groupedMatmulBackwardRef(fo(dx), fo(dw), fo(db), f(dout), f(x), f(w), d),
    moeCombine: (out, y, slotOf, gates, N, k, S, C) => moe.moeCombineForwardRef(f(out), f(y), i(slotOf), f(gates), N, k, S, C),
    moeCombineBackward: (dy, dg, dout, y, slotOf, gates, N, k, S, C) =>
      moe.moeCombineBackwardRef(fo(dy), fo(dg), f(dout), f(y), i(slotOf), f(gates), N, k, S, C),

    dropout: (out, x, n, p, seed) => drop.dropoutForwardRef(f(out), f(x), n, p, seed),
    dropoutBackward: (dx, dout, n, p, seed) => drop.dropoutBackwardRef(f(dx), f(dout), n, p, seed),

    lstm: (hs, cs, acts, xp, wh, h0, c0, d) => lstm.lstmForwardRef(f(hs), f(cs), f(acts), f(xp), f(wh), fo(h0), fo(c0), d),
    lstmBackward: (dxp, dwh, dh0, dc0, dh, hs, cs, acts, wh, h0, c0, d) =>
      lstm.lstmBackwardRef(f(dxp), f(dwh), fo(dh0), fo(dc0), f(dh), f(hs), f(cs), f(acts), f(wh), fo(h0), fo(c0), d),
    gru: (hs, acts, hn, xp, wh, h0, d) => gru.gruForwardRef(f(hs), f(acts), f(hn), f(xp), f(wh), fo(h0), d),
    gruBackward: (dxp, dwh, dh0, dh, hs, acts, hn, wh, h0, d) =>
      gru.gruBackwardRef(f(dxp), f(dwh), fo(dh0), f(dh), f(hs), f(acts), f(hn), f(wh), fo(h0), d),

    sum: (out, x, n) => red.sumRef(f(out), f(x), n),
    max: (out, x, n) => red.maxRef(f(out), f(x), n),
    sumSquares: (out, k, x, n) => red.sumSquaresRef(f(out).subarray(k), f(x), n),
    adamw: (p, g, m, v, n, hp, clip) => adam.adamwRef(f(p), f(g), f(m), f(v), n, hp, clip ? { normSq: f(clip.normSq), maxNorm: clip.maxNorm } : null),
  };
}
