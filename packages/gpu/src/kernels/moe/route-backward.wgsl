// Routing backward, one invocation per token row n: dlogits (N,E), overwritten, from dprobs (flags bit 1) and/or
// dgates (flags bit 0), each optional. dprobs: p·(dp - Σ p·dp) (MODE 0, softmax) or dp·σ(l)·σ(-l) (MODE 1).
// dgates, on the picked experts only: g_j·(dg_j - Σ g·dg), times σ(-l) in MODE 1 (d/dl of σ(l)/Σσ).
override MODE: u32 = 0u;
struct Params { N: u32, E: u32, k: u32, flags: u32 }

@group(0) @binding(0) var<storage, read_write> dlogits: array<f32>; // (N,E)
@group(0) @binding(1) var<storage, read> dgates: array<f32>;        // (N,k), read when flags & 1
@group(0) @binding(2) var<storage, read> dprobs: array<f32>;        // (N,E), read when flags & 2
@group(0) @binding(3) var<storage, read> gates: array<f32>;         // (N,k)
@group(0) @binding(4) var<storage, read> experts: array<i32>;       // (N,k)
@group(0) @binding(5) var<storage, read> probs: array<f32>;         // (N,E)
@group(0) @binding(6) var<storage, read> logits: array<f32>;        // (N,E)
@group(0) @binding(7) var<uniform> p: Params;

fn sigmoid(x: f32) -> f32 {
  let e = exp(-abs(x));
  return select(e / (1.0 + e), 1.0 / (1.0 + e), x >= 0.0);
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let n = (wid.y * nwg.x + wid.x) * 64u + lid.x;
  if (n >= p.N) { return; }
  let row = n * p.E;
  if ((p.flags & 2u) != 0u && MODE == 0u) {
    var dot = 0.0;
    for (var e = 0u; e < p.E; e++) { dot += probs[row + e] * dprobs[row + e]; }
    for (var e = 0u; e < p.E; e++) { dlogits[row + e] = probs[row + e] * (dprobs[row + e] - dot); }
  } else if ((p.flags & 2u) != 0u) {
    for (var e = 0u; e < p.E; e++) {
      let l = logits[row + e];
      dlogits[row + e] = dprobs[row + e] * sigmoid(l) * sigmoid(-l);
    }
  } else {
    for (var e = 0u; e < p.E; e++) { dlogits[row + e] = 0.0; }
  }
  if ((p.flags & 1u) == 0u) { return; }
  let g0 = n * p.k;
  var dot = 0.0;
  for (var j = 0u; j < p.k; j++) { dot += gates[g0 + j] * dgates[g0 + j]; }
  for (var j = 0u; j < p.k; j++) {
    let e = experts[g0 + j];
    if (e < 0 || u32(e) >= p.E) { continue; }
    var g = gates[g0 + j] * (dgates[g0 + j] - dot);
    if (MODE == 1u) { g *= sigmoid(-logits[row + u32(e)]); }
    dlogits[row + u32(e)] += g;
  }
}
