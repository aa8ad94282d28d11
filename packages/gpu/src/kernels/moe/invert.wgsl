// Inverse of an index map idx i32 (L) into [0,K) (entries outside are skipped): for each key, the items mapping to
// it in increasing order, as a CSR list (off, list). It drives the deterministic gather-sum backwards of moeGather
// and moeCombine (no float atomics). Integer atomics only count and place; the sort pass then fixes the order, so
// the result is one fixed function of idx:
//   PASS 0, one invocation per item: cnt[key] += 1 (atomic).
//   PASS 1, one workgroup: off (K+1) = exclusive prefix sum of cnt (off[K] = total); cnt reset to 0.
//   PASS 2, one invocation per item: list[off[key] + cnt[key]++] = item (atomic: order within a key varies).
//   PASS 3, one invocation per key: insertion sort of list[off[key] .. off[key+1]). Segments are short for
//           moeDispatch's maps (a token fills at most k slots, a slot holds one assignment).
override PASS: u32 = 0u;
struct Params { L: u32, K: u32 }

@group(0) @binding(0) var<storage, read_write> cnt: array<atomic<u32>>; // (K), zero before PASS 0
@group(0) @binding(1) var<storage, read_write> off: array<u32>;         // (K+1)
@group(0) @binding(2) var<storage, read_write> list: array<u32>;        // (L)
@group(0) @binding(3) var<storage, read> idx: array<i32>;               // (L)
@group(0) @binding(4) var<uniform> p: Params;

var<workgroup> part: array<u32, 256>;

/** Lane l scans the keys [l*per, (l+1)*per); lane 0 scans the 256 partial sums in between. */
fn scan(l: u32) {
  let per = (p.K + 255u) / 256u;
  let lo = min(l * per, p.K);
  let hi = min(lo + per, p.K);
  var s = 0u;
  for (var i = lo; i < hi; i++) { s += atomicLoad(&cnt[i]); }
  part[l] = s;
  workgroupBarrier();
  if (l == 0u) {
    var run = 0u;
    for (var i = 0u; i < 256u; i++) {
      let c = part[i];
      part[i] = run;
      run += c;
    }
    off[p.K] = run;
  }
  workgroupBarrier();
  var run = part[l];
  for (var i = lo; i < hi; i++) {
    off[i] = run;
    run += atomicLoad(&cnt[i]);
    atomicStore(&cnt[i], 0u);
  }
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  if (PASS == 1u) {
    scan(lid.x);
    return;
  }
  let t = (wid.y * nwg.x + wid.x) * 256u + lid.x;
  if (PASS == 3u) {
    if (t >= p.K) { return; }
    let lo = off[t];
    let hi = off[t + 1u];
    for (var a = lo + 1u; a < hi; a++) {
      let v = list[a];
      var b = a;
      loop {
        if (b <= lo || list[b - 1u] <= v) { break; }
        list[b] = list[b - 1u];
        b--;
      }
      list[b] = v;
    }
    return;
  }
  if (t >= p.L) { return; }
  let key = idx[t];
  if (key < 0 || u32(key) >= p.K) { return; }
  if (PASS == 0u) {
    atomicAdd(&cnt[u32(key)], 1u);
  } else {
    list[off[u32(key)] + atomicAdd(&cnt[u32(key)], 1u)] = t;
  }
}
