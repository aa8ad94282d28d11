// Sampling one token per row of logits (B,V), one workgroup per row, without sorting the row (semantics: reference.ts).
// Logits are compared as order-preserving u32 keys. Passes over the row (each lane a strided slice, except the last):
//   1. max, first argmax, sum of exp(x - max): greedy rows (T <= 0) stop here;
//   2. top-k (0 < k < V): the k-th largest key by radix select, 8 bits a pass (4 passes of 256-bin atomic counts);
//   3. top-p (p < 1): the threshold key t (largest with mass(keys >= t) >= p * total) by radix search, 4 bits a pass
//      (8 passes; each lane adds masses into its own 16 buckets, summed across lanes in a fixed order: no float
//      atomics, the same result every run whatever the batch);
//   4. the draw: each lane sums the kept mass of a contiguous chunk, lane 0 scans the chunks in index order, finds the
//      one holding u * total and walks it.
// Kept set: keys > thr, and the first nTie keys == thr in index order. Workgroup storage: ~10 KiB.
const WG = 64u;
const NB = 16u; // buckets of a top-p pass
struct Params { B: u32, V: u32 }

@group(0) @binding(0) var<storage, read_write> tokens: array<i32>;     // (B)
@group(0) @binding(1) var<storage, read_write> logprob: array<f32>;    // (B)
@group(0) @binding(2) var<storage, read> logits: array<f32>;           // (B,V)
@group(0) @binding(3) var<storage, read> temperature: array<f32>;      // (B)
@group(0) @binding(4) var<storage, read> topK: array<i32>;             // (B)
@group(0) @binding(5) var<storage, read> topP: array<f32>;             // (B)
@group(0) @binding(6) var<storage, read> uniforms: array<f32>;         // (B)
@group(0) @binding(7) var<uniform> p: Params;

var<workgroup> wm: array<f32, WG>;          // pass 1: running max per lane
var<workgroup> ws: array<f32, WG>;          // pass 1: sum of exp(x - max) per lane
var<workgroup> wb: array<u32, WG>;          // pass 1: first index of the max per lane
var<workgroup> hist: array<atomic<u32>, 256>; // pass 2: counts per 8-bit digit
var<workgroup> lm: array<f32, WG * NB>;     // pass 3: mass per (lane, bucket); pass 4: kept mass per lane
var<workgroup> lc: array<u32, WG * NB>;     // pass 3: count per (lane, bucket); pass 4: ties per lane
var<workgroup> bm: array<f32, NB>;          // pass 3: mass per bucket
var<workgroup> bc: array<u32, NB>;          // pass 3: count per bucket
var<workgroup> sel: vec2u;                  // lane 0's choice, broadcast: (prefix, need or ties kept)

/** Order-preserving key of a float (-0 as +0): x < y exactly when key(x) < key(y). */
fn keyOf(x: f32) -> u32 {
  let b = select(bitcast<u32>(x), 0u, x == 0.0);
  return select(b ^ 0x80000000u, ~b, (b >> 31u) == 1u);
}

fn valOf(k: u32) -> f32 {
  return bitcast<f32>(select(~k, k ^ 0x80000000u, (k >> 31u) == 1u));
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid3: vec3u) {
  let n = wid.y * nwg.x + wid.x; // workgroup-uniform, so the barriers below stay in uniform control flow
  if (n >= p.B) { return; }
  let lid = lid3.x;
  let V = p.V;
  let o = n * V;

  // 1. max, first argmax and sum of exp(x - max), as logprobs.wgsl
  var m = -3.402823e38;
  var s = 0.0;
  var b = 0xffffffffu;
  for (var v = lid; v < V; v += WG) {
    let x = logits[o + v];
    if (x > m) { s = s * exp(m - x) + 1.0; m = x; b = v; } else { s += exp(x - m); }
  }
  wm[lid] = m;
  ws[lid] = s;
  wb[lid] = b;
  workgroupBarrier();
  for (var k = WG / 2u; k > 0u; k >>= 1u) {
    if (lid < k) {
      let m1 = wm[lid];
      let m2 = wm[lid + k];
      let mx = max(m1, m2);
      ws[lid] = ws[lid] * exp(m1 - mx) + ws[lid + k] * exp(m2 - mx);
      if (m2 > m1 || (m2 == m1 && wb[lid + k] < wb[lid])) { wb[lid] = wb[lid + k]; }
      wm[lid] = mx;
    }
    workgroupBarrier();
  }
  let mx = wm[0];
  let lse = mx + log(ws[0]);
  let T = temperature[n];
  if (!(T > 0.0)) {
    if (lid == 0u) {
      let t = select(wb[0], 0u, wb[0] >= V);
      tokens[n] = i32(t);
      logprob[n] = logits[o + t] - lse;
    }
    return;
  }

  // 2. top-k: the k-th largest key, 8 bits a pass; need = how many keys equal to the prefix are still wanted
  var thr = 0u;          // no key is 0 (a negative NaN): every logit is above it
  var nTie = 0xffffffffu;
  let K = topK[n];
  let kLim = K > 0 && u32(K) < V;
  if (kLim) {
    var prefix = 0u;
    var mask = 0u;
    var need = u32(K);
    for (var sh = 24u; sh < 32u; sh -= 8u) { // 24, 16, 8, 0, then wraps
      for (var i = lid; i < 256u; i += WG) { atomicStore(&hist[i], 0u); }
      workgroupBarrier();
      for (var v = lid; v < V; v += WG) {
        let key = keyOf(logits[o + v]);
        if ((key & mask) == prefix) { atomicAdd(&hist[(key >> sh) & 255u], 1u); }
      }
      workgroupBarrier();
      if (lid == 0u) {
        var d = 255u;
        loop {
          let c = atomicLoad(&hist[d]);
          if (need <= c || d == 0u) { break; }
          need -= c;
          d -= 1u;
        }
        sel = vec2u(prefix | (d << sh), need);
      }
      let r = workgroupUniformLoad(&sel);
      prefix = r.x;
      need = r.y;
      mask |= 255u << sh;
    }
    thr = prefix;
    nTie = need;
  }

  // 3. top-p: the threshold key among the top-k, 4 bits a pass. Keys == thr (top-k ties) are left out of the lanes'
  // sums and added by lane 0 as nTie of them. above = mass of keys above the current prefix (lane 0's).
  let P = topP[n];
  if (P < 1.0) {
    let eK = select(0.0, exp((valOf(thr) - mx) / T), kLim);
    var prefix = 0u;
    var mask = 0u;
    var above = 0.0;
    var goalP = 0.0;
    var ties = 0u;
    for (var sh = 28u; sh < 32u; sh -= 4u) { // 28, 24, ..., 0, then wraps
      for (var i = 0u; i < NB; i++) {
        lm[lid * NB + i] = 0.0;
        lc[lid * NB + i] = 0u;
      }
      for (var v = lid; v < V; v += WG) {
        let x = logits[o + v];
        let key = keyOf(x);
        if (key > thr && (key & mask) == prefix) {
          let i = lid * NB + ((key >> sh) & 15u);
          lm[i] += exp((x - mx) / T);
          lc[i] += 1u;
        }
      }
      workgroupBarrier();
      if (lid < NB) {
        var sm = 0.0;
        var sc = 0u;
        for (var l = 0u; l < WG; l++) {
          sm += lm[l * NB + lid];
          sc += lc[l * NB + lid];
        }
        bm[lid] = sm;
        bc[lid] = sc;
      }
      workgroupBarrier();
      if (lid == 0u) {
        if (kLim && (thr & mask) == prefix) {
          let i = (thr >> sh) & 15u;
          bm[i] += f32(nTie) * eK;
          bc[i] += nTie;
        }
        if (mask == 0u) {
          var z = 0.0;
          for (var i = 0u; i < NB; i++) { z += bm[NB - 1u - i]; }
          goalP = P * z;
        }
        var chosen = NB;
        var lowest = NB;
        for (var i = 0u; i < NB; i++) {
          let d = NB - 1u - i;
          if (bc[d] == 0u) { continue; }
          lowest = d;
          if (above + bm[d] >= goalP) { chosen = d; break; }
          above += bm[d];
        }
        if (chosen == NB) { // rounding left p * total above every bucket: take the lowest non-empty one
          chosen = lowest;
          above -= bm[lowest];
        }
        ties = bc[chosen];
        sel = vec2u(prefix | (chosen << sh), ties);
      }
      let r = workgroupUniformLoad(&sel);
      prefix = r.x;
      mask |= 15u << sh;
    }
    // prefix is the threshold key; lane 0 keeps the fewest of its ties that reach p * total
    if (lid == 0u) {
      let eT = exp((valOf(prefix) - mx) / T);
      let want = (goalP - above) / eT;
      var j = ties;
      if (want < f32(ties)) { j = u32(max(ceil(want), 1.0)); }
      sel = vec2u(prefix, j);
    }
    let r = workgroupUniformLoad(&sel);
    thr = r.x;
    nTie = r.y;
  }

  // 4. the draw: kept mass and ties of each lane's contiguous chunk, then lane 0 finds u * total in index order
  let chunk = (V + WG - 1u) / WG;
  let lo = min(lid * chunk, V);
  let hi = min(lo + chunk, V);
  var km = 0.0;
  var kt = 0u;
  for (var v = lo; v < hi; v++) {
    let x = logits[o + v];
    let key = keyOf(x);
    if (key > thr) { km += exp((x - mx) / T); } else if (key == thr) { kt += 1u; }
  }
  lm[lid] = km;
  lc[lid] = kt;
  workgroupBarrier();
  if (lid != 0u) { return; }
  let eT = exp((valOf(thr) - mx) / T);
  var seen = 0u; // ties in the lanes before
  var total = 0.0;
  for (var l = 0u; l < WG; l++) {
    let keep = min(lc[l], nTie - min(seen, nTie));
    if (keep > 0u) { lm[l] += f32(keep) * eT; }
    seen += lc[l];
    total += lm[l];
  }
  let goal = uniforms[n] * total;
  var before = 0.0;
  var lane = WG;
  var lastLane = 0u;
  seen = 0u;
  var seenAt = 0u;
  var beforeLast = 0.0;
  for (var l = 0u; l < WG; l++) {
    if (lm[l] > 0.0) {
      if (goal < before + lm[l]) { lane = l; seenAt = seen; break; }
      lastLane = l;
      seenAt = seen;
      beforeLast = before;
    }
    before += lm[l];
    seen += lc[l];
  }
  if (lane == WG) { lane = lastLane; before = beforeLast; } // rounding: the last kept token
  var rest = goal - before;
  var pick = 0xffffffffu;
  var last = 0u;
  var tie = seenAt;
  let start = lane * chunk;
  let end = min(start + chunk, V);
  for (var v = start; v < end; v++) {
    let x = logits[o + v];
    let key = keyOf(x);
    var kept = key > thr;
    if (key == thr) {
      kept = tie < nTie;
      tie += 1u;
    }
    if (!kept) { continue; }
    last = v;
    rest -= exp((x - mx) / T);
    if (rest < 0.0) { pick = v; break; }
  }
  if (pick == 0xffffffffu) { pick = last; }
  tokens[n] = i32(pick);
  logprob[n] = logits[o + pick] - lse;
}
