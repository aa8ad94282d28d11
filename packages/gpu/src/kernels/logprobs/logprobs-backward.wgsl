// Token log-probabilities backward, one invocation per logit: dlogits = dlogp[n] * (onehot(t) - softmax), 0 where t
// is outside [0,V).
struct Params { N: u32, V: u32 }

@group(0) @binding(0) var<storage, read_write> dlogits: array<f32>;
@group(0) @binding(1) var<storage, read> dlogp: array<f32>;
@group(0) @binding(2) var<storage, read> logits: array<f32>;
@group(0) @binding(3) var<storage, read> lse: array<f32>;
@group(0) @binding(4) var<storage, read> targets: array<i32>;
@group(0) @binding(5) var<uniform> p: Params;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = (wid.y * nwg.x + wid.x) * 256u + lid.x;
  if (i >= p.N * p.V) { return; }
  let n = i / p.V;
  let t = targets[n];
  if (t < 0 || t >= i32(p.V)) { dlogits[i] = 0.0; return; }
  let hot = select(0.0, 1.0, i % p.V == u32(t));
  dlogits[i] = dlogp[n] * (hot - exp(logits[i] - lse[n]));
}
