// Deterministic gather-sum over invert.wgsl's CSR lists, one invocation per (key, c): out (K,C), overwritten,
// out[key, c] = sum over the items i of key, in increasing i, of w(i) · src[(i / div) * C + c], where w = 1
// (WEIGHTED 0: moeGather's dx, items are gathered rows m, div 1) or w = gates[i] (WEIGHTED 1: moeCombine's dy,
// items are assignments n*k + j, div k). A key no item maps to gets zeros.
override WEIGHTED: u32 = 0u;
struct Params { K: u32, C: u32, div: u32 }

@group(0) @binding(0) var<storage, read_write> out: array<f32>; // (K,C)
@group(0) @binding(1) var<storage, read> src: array<f32>;       // (L/div, C)
@group(0) @binding(2) var<storage, read> off: array<u32>;       // (K+1)
@group(0) @binding(3) var<storage, read> list: array<u32>;      // (L)
@group(0) @binding(4) var<storage, read> w: array<f32>;         // (L), read when WEIGHTED
@group(0) @binding(5) var<uniform> p: Params;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let t = (wid.y * nwg.x + wid.x) * 256u + lid.x;
  if (t >= p.K * p.C) { return; }
  let key = t / p.C;
  let c = t % p.C;
  var s = 0.0;
  let hi = off[key + 1u];
  for (var q = off[key]; q < hi; q++) {
    let i = list[q];
    let v = src[(i / p.div) * p.C + c];
    if (WEIGHTED == 1u) { s += w[i] * v; } else { s += v; }
  }
  out[t] = s;
}
