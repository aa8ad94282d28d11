// The WebGPU backend: Backend's kernel calls mapped onto the WGSL dispatchers through one Runtime.
import type { Backend, Buf } from "./backend.ts";
import { acquireDevice, type AcquireOptions } from "./device.ts";
import { GpuBuf, Runtime } from "./runtime.ts";
import { bytesPerElement, type TypedArray } from "./types.ts";
import { cast } from "./kernels/cast/cast.ts";
import { packF16, unpackF16 } from "./kernels/cast/reference.ts";
import { halfOp } from "./kernels/elementwise-f16/elementwise-f16.ts";
import * as ew from "./kernels/elementwise/elementwise.ts";
import * as red from "./kernels/reduce/reduce.ts";
import * as emb from "./kernels/embedding/embedding.ts";
import * as ln from "./kernels/layernorm/layernorm.ts";
import * as rms from "./kernels/rmsnorm/rmsnorm.ts";
import * as act from "./kernels/activation/activation.ts";
import * as sm from "./kernels/softmax/softmax.ts";
import * as rope from "./kernels/rope/rope.ts";
import * as ce from "./kernels/crossentropy/crossentropy.ts";
import * as lp from "./kernels/logprobs/logprobs.ts";
import * as lsig from "./kernels/logsigmoid/logsigmoid.ts";
import * as rs from "./kernels/rowscale/rowscale.ts";
import * as drop from "./kernels/dropout/dropout.ts";
import * as adam from "./kernels/adamw/adamw.ts";
import * as lstm from "./kernels/lstm/lstm.ts";
import * as gru from "./kernels/gru/gru.ts";
import * as mm from "./kernels/matmul/matmul.ts";
import * as attn from "./kernels/attention/attention.ts";
import * as paged from "./kernels/paged-attention/paged-attention.ts";
import * as sample from "./kernels/sample/sample.ts";
import * as moe from "./kernels/moe/moe.ts";

const g = (b: Buf): GpuBuf => b as unknown as GpuBuf;
const go = (b: Buf | null): GpuBuf | null => (b === null ? null : (b as unknown as GpuBuf));

export interface WebGpuBackend extends Backend {
  readonly runtime: Runtime;
}

export async function createWebGpuBackend(opts: AcquireOptions = {}): Promise<WebGpuBackend> {
  const rt = new Runtime(await acquireDevice(opts));
  return {
    kind: "webgpu",
    runtime: rt,
    limits: rt.limits,
    stats: () => ({ submits: rt.submits, dispatches: rt.dispatches, liveBytes: rt.liveBytes, pooledBytes: rt.pooledBytes }),
    supportsF16: rt.features.includes("shader-f16"),
    adapterName: rt.name,
    // f16 buffers hold ceil(n/2) u32 words (kernels process element pairs); sizes stay multiples of 4 bytes.
    alloc: (n, dtype, what) => rt.alloc(Math.ceil((n * bytesPerElement(dtype)) / 4) * 4, what) as unknown as Buf,
    free: (b) => rt.free(g(b)),
    view: (b, offset, n, dtype) => rt.view(g(b), offset * bytesPerElement(dtype), Math.ceil((n * bytesPerElement(dtype)) / 4) * 4) as unknown as Buf,
    write: (b, data, dtype) => rt.write(g(b), dtype === "f16" ? packF16(data as Float32Array) : data),
    read: async (b, n, dtype) => {
      if (dtype === "f16") return unpackF16(new Uint16Array(await rt.read(g(b), Math.ceil(n / 2) * 4)), n);
      const ab = await rt.read(g(b), n * 4);
      return (dtype === "i32" ? new Int32Array(ab) : new Float32Array(ab)) as TypedArray;
    },
    flush: () => rt.flush(),
    profile: () => rt.profile(),
    destroy: () => rt.destroy(),

    fill: (out, v, n, dtype) => {
      if (dtype !== "f16") return ew.fill(rt, g(out), v, n, dtype === "i32");
      const h = packF16(Float32Array.of(v))[0];
      ew.fill(rt, g(out), (h | (h << 16)) | 0, Math.ceil(n / 2), true); // the same f16 in both halves of every word
    },
    copy: (out, src, n, dtype = "f32") => rt.copy(g(out), g(src), Math.ceil((n * bytesPerElement(dtype)) / 4) * 4),
    cast: (out, x, n, to) => cast(rt, g(out), g(x), n, to),
    halfOp: (op, out, a, b, n, nb, s) => halfOp(rt, op, g(out), go(a), go(b), n, nb, s),
    add: (out, a, b, n, nb) => ew.addForward(rt, g(out), g(a), g(b), n, nb),
    mul: (out, a, b, n, nb) => ew.mulForward(rt, g(out), g(a), g(b), n, nb),
    scale: (out, a, s, n) => ew.scaleForward(rt, g(out), g(a), s, n),
    accumulate: (dst, src, n) => ew.accumulate(rt, g(dst), g(src), n),
    sumRows: (out, x, rows, cols) => ew.sumRows(rt, g(out), g(x), rows, cols),

    matmul: (out, a, b, bias, d, o, epi) => {
      if (!epi) return mm.matmulForward(rt, g(out), g(a), g(b), go(bias), d, o);
      if (epi.kind === "residual") {
        rt.copy(g(out), g(epi.residual), d.batch * d.M * d.N * 4);
        return mm.matmulForward(rt, g(out), g(a), g(b), go(bias), d, o, true);
      }
      mm.matmulForward(rt, g(out), g(a), g(b), go(bias), d, o, false, epi.kind === "gelu" ? { kind: "gelu", act: g(epi.act) } : { kind: "dgelu", pre: g(epi.pre) });
    },
    matmulBackward: (da, db, dbias, dout, a, b, d, o) => mm.matmulBackward(rt, go(da), go(db), go(dbias), g(dout), g(a), g(b), d, o),

    embedding: (out, ids, table, N, V, C) => emb.embeddingForward(rt, g(out), g(ids), g(table), N, V, C),
    embeddingBackward: (dt, dout, ids, N, V, C) => emb.embeddingBackward(rt, g(dt), g(dout), g(ids), N, V, C),

    layerNorm: (out, mean, rstd, x, w, b, N, C, eps) => ln.layerNormForward(rt, g(out), g(mean), g(rstd), g(x), g(w), g(b), N, C, eps),
    layerNormBackward: (dx, dw, db, dout, x, w, mean, rstd, N, C, acc) =>
      ln.layerNormBackward(rt, g(dx), g(dw), g(db), g(dout), g(x), g(w), g(mean), g(rstd), N, C, acc),
    rmsNorm: (out, rstd, x, w, N, C, eps) => rms.rmsNormForward(rt, g(out), g(rstd), g(x), g(w), N, C, eps),
    rmsNormBackward: (dx, dw, dout, x, w, rstd, N, C) => rms.rmsNormBackward(rt, g(dx), g(dw), g(dout), g(x), g(w), g(rstd), N, C),

    gelu: (out, x, n) => act.geluForward(rt, g(out), g(x), n),
    geluBackward: (dx, dout, x, n) => act.geluBackward(rt, g(dx), g(dout), g(x), n),
    silu: (out, x, n) => act.siluForward(rt, g(out), g(x), n),
    siluBackward: (dx, dout, x, n) => act.siluBackward(rt, g(dx), g(dout), g(x), n),
    swiglu: (out, gt, up, n) => act.swigluForward(rt, g(out), g(gt), g(up), n),
    swigluBackward: (dg, du, dout, gt, up, n) => act.swigluBackward(rt, g(dg), g(du), g(dout), g(gt), g(up), n),

    softmax: (out, x, N, C) => sm.softmaxForward(rt, g(out), g(x), N, C),
    softmaxBackward: (dx, dout, y, N, C) => sm.softmaxBackward(rt, g(dx), g(dout), g(y), N, C),

    rope: (out, qkv, d, base) => rope.ropeForward(rt, g(out), g(qkv), d, base),
    ropeBackward: (dq, dout, d, base) => rope.ropeBackward(rt, g(dq), g(dout), d, base),
    attention: (out, lse, qkv, d, causal) => attn.attentionForward(rt, g(out), g(lse), g(qkv), d, causal),
    attentionBackward: (dq, dout, out, lse, qkv, d, causal) => attn.attentionBackward(rt, g(dq), g(dout), g(out), g(lse), g(qkv), d, causal),

    crossEntropy: (losses, weights, lse, logits, targets, mask, N, V, ig) =>
      ce.crossEntropyForward(rt, g(losses), g(weights), g(lse), g(logits), g(targets), go(mask), N, V, ig),
    crossEntropyMean: (out, denom, losses, weights, N) => ce.crossEntropyMean(rt, g(out), g(denom), g(losses), g(weights), N),
    crossEntropyBackward: (dl, dloss, denom, logits, lse, targets, weights, N, V) =>
      ce.crossEntropyBackward(rt, g(dl), g(dloss), g(denom), g(logits), g(lse), g(targets), g(weights), N, V),
    tokenLogprobs: (logp, lse, greedy, logits, targets, N, V) => lp.tokenLogprobsForward(rt, g(logp), g(lse), g(greedy), g(logits), g(targets), N, V),
    tokenLogprobsBackward: (dl, dlogp, logits, lse, targets, N, V) => lp.tokenLogprobsBackward(rt, g(dl), g(dlogp), g(logits), g(lse), g(targets), N, V),
    logSigmoid: (out, x, n) => lsig.logSigmoidForward(rt, g(out), g(x), n),
    logSigmoidBackward: (dx, dout, x, n) => lsig.logSigmoidBackward(rt, g(dx), g(dout), g(x), n),
    rowScale: (out, x, s, N, D) => rs.rowScaleForward(rt, g(out), g(x), g(s), N, D),
    rowScaleBackward: (dx, ds, dout, x, s, N, D) => rs.rowScaleBackward(rt, go(dx), go(ds), g(dout), g(x), g(s), N, D),

    kvWrite: (q, kc, vc, qkv, pt, seq, pos, d, base) => paged.kvWrite(rt, g(q), g(kc), g(vc), g(qkv), g(pt), g(seq), g(pos), d, base),
    pagedAttention: (out, q, kc, vc, pt, seq, pos, d) => paged.pagedAttention(rt, g(out), g(q), g(kc), g(vc), g(pt), g(seq), g(pos), d),
    sampleRows: (tok, lp, logits, t, k, p, u, B, V) => sample.sampleRows(rt, g(tok), g(lp), g(logits), g(t), g(k), g(p), g(u), B, V),

    moeRoute: (gates, ex, probs, logits, N, E, k, mode) => moe.moeRouteForward(rt, g(gates), g(ex), g(probs), g(logits), N, E, k, mode),
    moeGatesBackward: (dl, dg, gates, ex, logits, N, E, k, mode) => moe.moeGatesBackward(rt, g(dl), g(dg), g(gates), g(ex), g(logits), N, E, k, mode),
    moeProbsBackward: (dl, dp, probs, logits, N, E, mode) => moe.moeProbsBackward(rt, g(dl), g(dp), g(probs), g(logits), N, E, mode),
    moeDispatch: (rowOf, slotOf, counts, ex, N, k, E, cap) => moe.moeDispatch(rt, g(rowOf), g(slotOf), g(counts), g(ex), N, k, E, cap),
    moeGather: (out, x, rowOf, M, N, C) => moe.moeGatherForward(rt, g(out), g(x), g(rowOf), M, N, C),
    moeGatherBackward: (dx, dout, rowOf, M, N, C) => moe.moeGatherBackward(rt, g(dx), g(dout), g(rowOf), M, N, C),
    groupedMatmul: (out, x, w, bias, d) => moe.groupedMatmulForward(rt, g(out), g(x), g(w), go(bias), d),
    groupedMatmulBackward: (dx, dw, db, dout, x, w, d) => moe.groupedMatmulBackward(rt, go(dx), go(dw), go(db), g(dout), g(x), g(w), d),
    moeCombine: (out, y, slotOf, gates, N, k, S, C) => moe.moeCombineForward(rt, g(out), g(y), g(slotOf), g(gates), N, k, S, C),
    moeCombineBackward: (dy, dg, dout, y, slotOf, gates, N, k, S, C) =>
      moe.moeCombineBackward(rt, go(dy), go(dg), g(dout), g(y), g(slotOf), g(gates), N, k, S, C),

    dropout: (out, x, n, p, seed) => drop.dropoutForward(rt, g(out), g(x), n, p, seed),
    dropoutBackward: (dx, dout, n, p, seed) => drop.dropoutBackward(rt, g(dx), g(dout), n, p, seed),

    lstm: (hs, cs, acts, xp, wh, h0, c0, d) => lstm.lstmForward(rt, g(hs), g(cs), g(acts), g(xp), g(wh), go(h0), go(c0), d),
    lstmBackward: (dxp, dwh, dh0, dc0, dh, hs, cs, acts, wh, h0, c0, d) =>
      lstm.lstmBackward(rt, g(dxp), g(dwh), go(dh0), go(dc0), g(dh), g(hs), g(cs), g(acts), g(wh), go(h0), go(c0), d),
    gru: (hs, acts, hn, xp, wh, h0, d) => gru.gruForward(rt, g(hs), g(acts), g(hn), g(xp), g(wh), go(h0), d),
    gruBackward: (dxp, dwh, dh0, dh, hs, acts, hn, wh, h0, d) =>
      gru.gruBackward(rt, g(dxp), g(dwh), go(dh0), g(dh), g(hs), g(acts), g(hn), g(wh), go(h0), d),

    sum: (out, x, n) => red.sum(rt, g(out), g(x), n),
    max: (out, x, n) => red.max(rt, g(out), g(x), n),
    sumSquares: (out, k, x, n) => red.sumSquares(rt, g(out), k, g(x), n),
    adamw: (p, gr, m, v, n, hp, clip) => adam.adamw(rt, g(p), g(gr), g(m), g(v), n, hp, clip ? { normSq: g(clip.normSq), maxNorm: clip.maxNorm } : null),
  };
}
