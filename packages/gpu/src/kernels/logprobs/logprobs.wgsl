// Token log-probabilities, one workgroup per row of logits (N,V): each lane folds a strided slice of the row into
// an online (max, sum of exp, first argmax), a fixed tree combines the lanes, lane 0 writes
// lse[n], logp[n] = logits[n,t] - lse[n] and greedy[n] = (t is the row's first argmax). t outside [0,V): 0, 0.
const WG = 64u;
struct Params { N: u32, V: u32 }

@group(0) @binding(0) var<storage, read_write> logp: array<f32>;
@group(0) @binding(1) var<storage, read_write> lse: array<f32>;
@group(0) @binding(2) var<storage, read_write> greedy: array<i32>;
@group(0) @binding(3) var<storage, read> logits: array<f32>;
@group(0) @binding(4) var<storage, read> targets: array<i32>;
@group(0) @binding(5) var<uniform> p: Params;

var<workgroup> wm: array<f32, WG>; // running max per lane
var<workgroup> ws: array<f32, WG>; // sum of exp(x - max) per lane
var<workgroup> wb: array<u32, WG>; // first index of the max per lane (0xffffffff: lane saw nothing)

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let n = wid.y * nwg.x + wid.x; // workgroup-uniform, so the barriers below stay in uniform control flow
  if (n >= p.N) { return; }
  let o = n * p.V;
  var m = -3.402823e38;
  var s = 0.0;
  var b = 0xffffffffu;
  for (var v = lid.x; v < p.V; v += WG) {
    let x = logits[o + v];
    if (x > m) { s = s * exp(m - x) + 1.0; m = x; b = v; } else { s += exp(x - m); }
  }
  wm[lid.x] = m;
  ws[lid.x] = s;
  wb[lid.x] = b;
  workgroupBarrier();
  for (var k = WG / 2u; k > 0u; k >>= 1u) {
    if (lid.x < k) {
      let m1 = wm[lid.x];
      let m2 = wm[lid.x + k];
      let mx = max(m1, m2);
      ws[lid.x] = ws[lid.x] * exp(m1 - mx) + ws[lid.x + k] * exp(m2 - mx);
      if (m2 > m1 || (m2 == m1 && wb[lid.x + k] < wb[lid.x])) { wb[lid.x] = wb[lid.x + k]; }
      wm[lid.x] = mx;
    }
    workgroupBarrier();
  }
  if (lid.x != 0u) { return; }
  let l = wm[0] + log(ws[0]);
  lse[n] = l;
  let t = targets[n];
  if (t < 0 || t >= i32(p.V)) {
    logp[n] = 0.0;
    greedy[n] = 0;
  } else {
    logp[n] = logits[o + u32(t)] - l;
    greedy[n] = select(0, 1, wb[0] == u32(t));
  }
}
