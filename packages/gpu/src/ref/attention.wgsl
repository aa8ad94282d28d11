// Simple attention over packed qkv (B,T,3C), used by gpu-core until the kernels helper's flash kernel is wired in.
// OP 0 forward: one invocation per (b,h,t) query, online softmax, out (B,T,C) doubles as the accumulator, lse (B,H,T).
// OP 1 backward delta: delta[b,h,t] = sum_i dout*out.
// OP 2 backward dq: one invocation per (b,h,t), loops over keys u.
// OP 3 backward dk, dv: one invocation per (b,h,u), loops over queries t. No atomics: deterministic.
override OP: u32 = 0u;
struct Params { B: u32, T: u32, C: u32, nHead: u32, causal: u32, scale: f32 }

@group(0) @binding(0) var<storage, read_write> o0: array<f32>;   // OP0: out; OP1: delta; OP2, OP3: dqkv
@group(0) @binding(1) var<storage, read_write> o1: array<f32>;   // OP0: lse
@group(0) @binding(2) var<storage, read> qkv: array<f32>;
@group(0) @binding(3) var<storage, read> dout: array<f32>;
@group(0) @binding(4) var<storage, read> outp: array<f32>;       // OP1: out; OP2, OP3: lse
@group(0) @binding(5) var<storage, read> delta: array<f32>;
@group(0) @binding(6) var<uniform> p: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let idx = (wid.y * nwg.x + wid.x) * 64u + lid.x;
  if (idx >= p.B * p.nHead * p.T) { return; }
  let t = idx % p.T;
  let h = (idx / p.T) % p.nHead;
  let b = idx / (p.T * p.nHead);
  let D = p.C / p.nHead;
  let C3 = 3u * p.C;
  let rowBase = b * p.T;
  if (OP == 0u) {
    let q = (rowBase + t) * C3 + h * D;
    let o = (rowBase + t) * p.C + h * D;
    var m = -3.402823e38;
    var z = 0.0;
    for (var i = 0u; i < D; i++) { o0[o + i] = 0.0; }
    let tEnd = select(p.T, t + 1u, p.causal != 0u);
    for (var u = 0u; u < tEnd; u++) {
      let k = (rowBase + u) * C3 + p.C + h * D;
      var dot = 0.0;
      for (var i = 0u; i < D; i++) { dot += qkv[q + i] * qkv[k + i]; }
      let s = dot * p.scale;
      let mNew = max(m, s);
      let corr = exp(m - mNew);
      let e = exp(s - mNew);
      z = z * corr + e;
      for (var i = 0u; i < D; i++) { o0[o + i] = o0[o + i] * corr + e * qkv[k + p.C + i]; }
      m = mNew;
    }
    for (var i = 0u; i < D; i++) { o0[o + i] = o0[o + i] / z; }
    o1[idx] = m + log(z);
  } else if (OP == 1u) {
    let o = (rowBase + t) * p.C + h * D;
    var s = 0.0;
    for (var i = 0u; i < D; i++) { s += dout[o + i] * outp[o + i]; }
    o0[idx] = s;
  } else if (OP == 2u) {
    let q = (rowBase + t) * C3 + h * D;
    let o = (rowBase + t) * p.C + h * D;
    for (var i = 0u; i < D; i++) { o0[q + i] = 0.0; }
    let l = outp[idx];
    let dl = delta[idx];
    let tEnd = select(p.T, t + 1u, p.causal != 0u);
    for (var u = 0u; u < tEnd; u++) {
      let k = (rowBase + u) * C3 + p.C + h * D;
      var dot = 0.0;
      var dp = 0.0;
      for (var i = 0u; i < D; i++) { dot += qkv[q + i] * qkv[k + i]; dp += dout[o + i] * qkv[k + p.C + i]; }
      let ds = exp(dot * p.scale - l) * (dp - dl) * p.scale;
      for (var i = 0u; i < D; i++) { o0[q + i] += ds * qkv[k + i]; }
    }
  } else {
    let u = t;
    let k = (rowBase + u) * C3 + p.C + h * D;
    for (var i = 0u; i < D; i++) { o0[k + i] = 0.0; o0[k + p.C + i] = 0.0; }
    let tStart = select(0u, u, p.causal != 0u);
    for (var tq = tStart; tq < p.T; tq++) {
      let q = (rowBase + tq) * C3 + h * D;
      let o = (rowBase + tq) * p.C + h * D;
      let li = (b * p.nHead + h) * p.T + tq;
      var dot = 0.0;
      var dp = 0.0;
      for (var i = 0u; i < D; i++) { dot += qkv[q + i] * qkv[k + i]; dp += dout[o + i] * qkv[k + p.C + i]; }
      let pr = exp(dot * p.scale - outp[li]);
      let ds = pr * (dp - delta[li]) * p.scale;
      for (var i = 0u; i < D; i++) {
        o0[k + p.C + i] += pr * dout[o + i];
        o0[k + i] += ds * qkv[q + i];
      }
    }
  }
}
