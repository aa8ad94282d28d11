// Attention backward, step 3: dk and dv for one key row per invocation, queries in order (u or 0)..T-1
// (deterministic, no atomics): dv = sum_t p dout_t, dk = sum_t ds q_t with p, ds recomputed as in backward-dq.
// Writes the k and v thirds of dqkv (B,T,3C).

struct Params { T: u32, C: u32, H: u32, causal: u32, scale: f32, pad0: u32, pad1: u32, pad2: u32 }

const D: u32 = DHEADu;

@group(0) @binding(0) var<storage, read_write> dqkv: array<f32>;  // (B,T,3C)
@group(0) @binding(1) var<storage, read> qkv: array<f32>;         // (B,T,3C)
@group(0) @binding(2) var<storage, read> dout: array<f32>;        // (B,T,C)
@group(0) @binding(3) var<storage, read> lse: array<f32>;         // (B,H,T)
@group(0) @binding(4) var<storage, read> delta: array<f32>;       // (B,H,T)
@group(0) @binding(5) var<uniform> p: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) g: vec3u) {
  let u = g.x;
  let h = g.y;
  let b = g.z;
  if (u >= p.T) { return; }
  let row3 = 3u * p.C;
  let ko = (b * p.T + u) * row3 + p.C + h * D;
  let vo = ko + p.C;
  var k: array<f32, D>;
  var v: array<f32, D>;
  var dk: array<f32, D>;
  var dv: array<f32, D>;
  for (var i = 0u; i < D; i++) {
    k[i] = qkv[ko + i];
    v[i] = qkv[vo + i];
  }
  let r0 = (b * p.H + h) * p.T;
  let tStart = select(0u, u, p.causal != 0u);
  for (var t = tStart; t < p.T; t++) {
    let qo = (b * p.T + t) * row3 + h * D;
    let oo = (b * p.T + t) * p.C + h * D;
    var s = 0.0;
    var dp = 0.0;
    for (var i = 0u; i < D; i++) {
      s = fma(qkv[qo + i], k[i], s);
      dp = fma(dout[oo + i], v[i], dp);
    }
    let pr = exp(s * p.scale - lse[r0 + t]);
    let ds = pr * (dp - delta[r0 + t]) * p.scale;
    for (var i = 0u; i < D; i++) {
      dv[i] = fma(pr, dout[oo + i], dv[i]);
      dk[i] = fma(ds, qkv[qo + i], dk[i]);
    }
  }
  for (var i = 0u; i < D; i++) {
    dqkv[ko + i] = dk[i];
    dqkv[vo + i] = dv[i];
  }
}
