// Embedding backward, pass 1: for each token n, chain[n] = next m > n with the same id (N if none), and
// chain[N + n] = 1 when n is the first occurrence of its id (the head that owns the table row).
struct Params { N: u32 }

@group(0) @binding(0) var<storage, read_write> chain: array<u32>;
@group(0) @binding(1) var<storage, read> ids: array<i32>;
@group(0) @binding(2) var<uniform> p: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let n = (wid.y * nwg.x + wid.x) * 64u + lid.x;
  if (n >= p.N) { return; }
  let id = ids[n];
  var head = 1u;
  for (var m = 0u; m < n; m++) { if (ids[m] == id) { head = 0u; break; } }
  var next = p.N;
  for (var m = n + 1u; m < p.N; m++) { if (ids[m] == id) { next = m; break; } }
  chain[n] = next;
  chain[p.N + n] = head;
}
