// Top-k routing, one invocation per token row n (E is small): probs (N,E) = softmax(logits) (MODE 0) or σ(logits)
// (MODE 1); experts i32 (N,k) = the k largest logits in descending order, ties to the lower id, found in k passes
// over the row, each taking the best logit strictly after the previous pick in that order (no per-row array, which
// lavapipe would spill); gates (N,k) = exp(l - max) (MODE 0) or σ(l) (MODE 1) of the picks, divided by their sum.
override MODE: u32 = 0u;
struct Params { N: u32, E: u32, k: u32 }

@group(0) @binding(0) var<storage, read_write> gates: array<f32>;   // (N,k)
@group(0) @binding(1) var<storage, read_write> experts: array<i32>; // (N,k)
@group(0) @binding(2) var<storage, read_write> probs: array<f32>;   // (N,E)
@group(0) @binding(3) var<storage, read> logits: array<f32>;        // (N,E)
@group(0) @binding(4) var<uniform> p: Params;

fn sigmoid(x: f32) -> f32 {
  let e = exp(-abs(x));
  return select(e / (1.0 + e), 1.0 / (1.0 + e), x >= 0.0);
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let n = (wid.y * nwg.x + wid.x) * 64u + lid.x;
  if (n >= p.N) { return; }
  let row = n * p.E;
  var m = logits[row];
  for (var e = 1u; e < p.E; e++) { m = max(m, logits[row + e]); }
  if (MODE == 0u) {
    var s = 0.0;
    for (var e = 0u; e < p.E; e++) { s += exp(logits[row + e] - m); }
    for (var e = 0u; e < p.E; e++) { probs[row + e] = exp(logits[row + e] - m) / s; }
  } else {
    for (var e = 0u; e < p.E; e++) { probs[row + e] = sigmoid(logits[row + e]); }
  }
  var prevV = 0.0;
  var prevE = 0u;
  var total = 0.0;
  for (var j = 0u; j < p.k; j++) {
    var best = p.E;
    var bestV = 0.0;
    for (var e = 0u; e < p.E; e++) {
      let v = logits[row + e];
      let after = j == 0u || v < prevV || (v == prevV && e > prevE);
      if (after && (best == p.E || v > bestV)) {
        best = e;
        bestV = v;
      }
    }
    experts[n * p.k + j] = i32(best);
    var w = sigmoid(bestV);
    if (MODE == 0u) { w = exp(bestV - m); }
    gates[n * p.k + j] = w;
    total += w;
    prevV = bestV;
    prevE = best;
  }
  for (var j = 0u; j < p.k; j++) { gates[n * p.k + j] = gates[n * p.k + j] / total; }
}
