// Causal (or full) self-attention forward over packed qkv, flash style: one invocation per (query t, head h,
// batch b) streams the keys once with an online softmax (running max m, running sum l, rescaled output o), so
// no T x T score matrix is stored. Saves lse = m + log(l) per row for the backward.
// DHEAD (the head size D) is substituted by attention.ts: private arrays need a compile-time length.

struct Params { T: u32, C: u32, H: u32, causal: u32, scale: f32, pad0: u32, pad1: u32, pad2: u32 }

const D: u32 = DHEADu;

@group(0) @binding(0) var<storage, read_write> out: array<f32>;  // (B,T,C)
@group(0) @binding(1) var<storage, read_write> lse: array<f32>;  // (B,H,T)
@group(0) @binding(2) var<storage, read> qkv: array<f32>;        // (B,T,3C)
@group(0) @binding(3) var<uniform> p: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) g: vec3u) {
  let t = g.x;
  let h = g.y;
  let b = g.z;
  if (t >= p.T) { return; }
  let row3 = 3u * p.C;
  let qo = (b * p.T + t) * row3 + h * D;
  var q: array<f32, D>;
  var o: array<f32, D>;
  for (var i = 0u; i < D; i++) { q[i] = qkv[qo + i] * p.scale; }
  var m = -3.0e38;
  var l = 0.0;
  let tEnd = select(p.T, t + 1u, p.causal != 0u);
  for (var u = 0u; u < tEnd; u++) {
    let ko = (b * p.T + u) * row3 + p.C + h * D;
    var s = 0.0;
    for (var i = 0u; i < D; i++) { s = fma(q[i], qkv[ko + i], s); }
    let mNew = max(m, s);
    let corr = exp(m - mNew);
    let e = exp(s - mNew);
    l = fma(l, corr, e);
    let vo = ko + p.C;
    for (var i = 0u; i < D; i++) { o[i] = fma(e, qkv[vo + i], o[i] * corr); }
    m = mNew;
  }
  let oo = (b * p.T + t) * p.C + h * D;
  let inv = 1.0 / l;
  for (var i = 0u; i < D; i++) { out[oo + i] = o[i] * inv; }
  lse[(b * p.H + h) * p.T + t] = m + log(l);
}
