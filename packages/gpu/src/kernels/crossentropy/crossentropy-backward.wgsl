// Cross-entropy backward, one invocation per logit: dlogits = dloss/denom * w * (softmax - onehot(target)).
struct Params { N: u32, V: u32 }

@group(0) @binding(0) var<storage, read_write> dlogits: array<f32>;
@group(0) @binding(1) var<storage, read> dloss: array<f32>;
@group(0) @binding(2) var<storage, read> denom: array<f32>;
@group(0) @binding(3) var<storage, read> logits: array<f32>;
@group(0) @binding(4) var<storage, read> lse: array<f32>;
@group(0) @binding(5) var<storage, read> targets: array<i32>;
@group(0) @binding(6) var<storage, read> weights: array<f32>;
@group(0) @binding(7) var<uniform> p: Params;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = (wid.y * nwg.x + wid.x) * 256u + lid.x;
  if (i >= p.N * p.V) { return; }
  let n = i / p.V;
  let v = i % p.V;
  let w = weights[n];
  if (w == 0.0) { dlogits[i] = 0.0; return; }
  let pr = exp(logits[i] - lse[n]);
  let hot = select(0.0, 1.0, i32(v) == targets[n]);
  dlogits[i] = dloss[0] / denom[0] * w * (pr - hot);
}
