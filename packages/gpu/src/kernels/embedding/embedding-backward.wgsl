// Embedding backward, pass 2: each (head token n, channel c) owns dtable[ids[n], c] and sums dout over the chain of
// tokens with that id in increasing order. Deterministic, no atomics. dtable must be zeroed first; ids outside
// [0,V) contribute nothing.
struct Params { N: u32, C: u32, V: u32 }

@group(0) @binding(0) var<storage, read_write> dtable: array<f32>;
@group(0) @binding(1) var<storage, read> dout: array<f32>;
@group(0) @binding(2) var<storage, read> ids: array<i32>;
@group(0) @binding(3) var<storage, read> chain: array<u32>;
@group(0) @binding(4) var<uniform> p: Params;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = (wid.y * nwg.x + wid.x) * 256u + lid.x;
  if (i >= p.N * p.C) { return; }
  let n = i / p.C;
  let c = i % p.C;
  let id = ids[n];
  if (chain[p.N + n] == 0u || id < 0 || u32(id) >= p.V) { return; }
  var s = 0.0;
  var m = n;
  loop {
    s += dout[m * p.C + c];
    m = chain[m];
    if (m >= p.N) { break; }
  }
  dtable[u32(id) * p.C + c] = s;
}
