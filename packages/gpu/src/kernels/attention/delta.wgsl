// Attention backward, step 1: delta (B,H,T) = dout·out per query row (= sum_u p_u dout·v_u), read by the dq
// and dk/dv passes.

struct Params { T: u32, C: u32, H: u32, causal: u32, scale: f32, pad0: u32, pad1: u32, pad2: u32 }

const D: u32 = DHEADu;

@group(0) @binding(0) var<storage, read_write> delta: array<f32>;  // (B,H,T)
@group(0) @binding(1) var<storage, read> dout: array<f32>;         // (B,T,C)
@group(0) @binding(2) var<storage, read> out: array<f32>;          // (B,T,C)
@group(0) @binding(3) var<uniform> p: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) g: vec3u) {
  let t = g.x;
  let h = g.y;
  let b = g.z;
  if (t >= p.T) { return; }
  let o = (b * p.T + t) * p.C + h * D;
  var s = 0.0;
  for (var i = 0u; i < D; i++) { s = fma(dout[o + i], out[o + i], s); }
  delta[(b * p.H + h) * p.T + t] = s;
}
