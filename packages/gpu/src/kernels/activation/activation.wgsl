// Activations, one invocation per element, OP selects: 0 gelu(x) (tanh approx), 1 gelu backward,
// 2 silu(x), 3 silu backward, 4 swiglu = silu(x)*y, 5 swiglu backward (o0 = dgate, o1 = dup).
// Bindings: o0, o1 outputs; x, y, g inputs (g = upstream gradient).
override OP: u32 = 0u;
struct Params { n: u32 }

@group(0) @binding(0) var<storage, read_write> o0: array<f32>;
@group(0) @binding(1) var<storage, read_write> o1: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read> y: array<f32>;
@group(0) @binding(4) var<storage, read> g: array<f32>;
@group(0) @binding(5) var<uniform> p: Params;

const K = 0.7978845608028654;

fn sigmoid(v: f32) -> f32 { return 1.0 / (1.0 + exp(-v)); }
// tanh via exp, stable for large |u| (WGSL tanh can return NaN for large inputs on some drivers).
fn tanh_s(u: f32) -> f32 { let e = exp(-2.0 * abs(u)); return sign(u) * (1.0 - e) / (1.0 + e); }

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = (wid.y * nwg.x + wid.x) * 256u + lid.x;
  if (i >= p.n) { return; }
  let v = x[i];
  switch OP {
    case 0u: { o0[i] = 0.5 * v * (1.0 + tanh_s(K * (v + 0.044715 * v * v * v))); }
    case 1u: {
      let th = tanh_s(K * (v + 0.044715 * v * v * v));
      let local = 0.5 * (1.0 + th) + 0.5 * v * (1.0 - th * th) * K * (1.0 + 3.0 * 0.044715 * v * v);
      o0[i] = local * g[i];
    }
    case 2u: { o0[i] = v * sigmoid(v); }
    case 3u: { let s = sigmoid(v); o0[i] = g[i] * s * (1.0 + v * (1.0 - s)); }
    case 4u: { o0[i] = v * sigmoid(v) * y[i]; }
    default: {
      let s = sigmoid(v);
      o1[i] = g[i] * v * s;
      o0[i] = g[i] * y[i] * s * (1.0 + v * (1.0 - s));
    }
  }
}
