// Fused softmax + cross-entropy forward, one invocation per row: lse (N), weights (N) = (target valid and not
// ignoreIndex) * mask, losses (N) = w * (lse - logit[target]). hasMask = 0 ignores the mask binding.
struct Params { N: u32, V: u32, ignoreIndex: i32, hasMask: u32 }

@group(0) @binding(0) var<storage, read_write> losses: array<f32>;
@group(0) @binding(1) var<storage, read_write> weights: array<f32>;
@group(0) @binding(2) var<storage, read_write> lse: array<f32>;
@group(0) @binding(3) var<storage, read> logits: array<f32>;
@group(0) @binding(4) var<storage, read> targets: array<i32>;
@group(0) @binding(5) var<storage, read> mask: array<f32>;
@group(0) @binding(6) var<uniform> p: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let n = (wid.y * nwg.x + wid.x) * 64u + lid.x;
  if (n >= p.N) { return; }
  let o = n * p.V;
  var m = -3.402823e38;
  for (var v = 0u; v < p.V; v++) { m = max(m, logits[o + v]); }
  var s = 0.0;
  for (var v = 0u; v < p.V; v++) { s += exp(logits[o + v] - m); }
  let l = m + log(s);
  lse[n] = l;
  let t = targets[n];
  var w = 1.0;
  if (t == p.ignoreIndex || t < 0 || t >= i32(p.V)) { w = 0.0; } else if (p.hasMask != 0u) { w = mask[n]; }
  weights[n] = w;
  if (w == 0.0) { losses[n] = 0.0; } else { losses[n] = w * (l - logits[o + u32(t)]); }
}
