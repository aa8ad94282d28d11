// Capacity-limited dispatch: a stable counting sort of the L = N*k assignments by expert, in three passes over
// blocks of BS assignments, integer-only and without atomics, so the result is one fixed function of experts:
//   PASS 0, one invocation per (block b, expert e): bc[b*E + e] = assignments in block b routed to e.
//   PASS 1, one invocation per expert e: bc[., e] becomes its exclusive prefix sum over blocks; counts[e] = total.
//   PASS 2, one invocation per assignment i in block b: rank = bc[b*E + e] + earlier assignments of block b routed
//           to e; slotOf[i] = e*capacity + rank and rowOf there = i / k when rank < capacity, else slotOf[i] = -1.
// rowOf is filled with -1 before (moe.ts). Ids outside [0,E) are dropped and not counted.
override PASS: u32 = 0u;
const BS: u32 = 64u;
struct Params { L: u32, k: u32, E: u32, capacity: u32, nb: u32 }

@group(0) @binding(0) var<storage, read_write> rowOf: array<i32>;  // (E*capacity)
@group(0) @binding(1) var<storage, read_write> slotOf: array<i32>; // (N,k)
@group(0) @binding(2) var<storage, read_write> counts: array<i32>; // (E)
@group(0) @binding(3) var<storage, read_write> bc: array<u32>;     // (nb,E): block counts, then block offsets
@group(0) @binding(4) var<storage, read> experts: array<i32>;      // (N,k)
@group(0) @binding(5) var<uniform> p: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let t = (wid.y * nwg.x + wid.x) * 64u + lid.x;
  if (PASS == 0u) {
    if (t >= p.nb * p.E) { return; }
    let b = t / p.E;
    let e = i32(t % p.E);
    let hi = min(b * BS + BS, p.L);
    var c = 0u;
    for (var i = b * BS; i < hi; i++) { c += select(0u, 1u, experts[i] == e); }
    bc[t] = c;
  } else if (PASS == 1u) {
    if (t >= p.E) { return; }
    var run = 0u;
    for (var b = 0u; b < p.nb; b++) {
      let c = bc[b * p.E + t];
      bc[b * p.E + t] = run;
      run += c;
    }
    counts[t] = i32(run);
  } else {
    if (t >= p.L) { return; }
    let e = experts[t];
    if (e < 0 || u32(e) >= p.E) {
      slotOf[t] = -1;
      return;
    }
    let b = t / BS;
    var rank = bc[b * p.E + u32(e)];
    for (var i = b * BS; i < t; i++) { rank += select(0u, 1u, experts[i] == e); }
    if (rank < p.capacity) {
      let s = u32(e) * p.capacity + rank;
      slotOf[t] = i32(s);
      rowOf[s] = i32(t / p.k);
    } else {
      slotOf[t] = -1;
    }
  }
}
