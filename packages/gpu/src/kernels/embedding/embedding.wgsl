// Embedding gather: out[n,c] = table[ids[n], c]; ids outside [0,V) give a zero row. ids (N) i32, table (V,C), out (N,C).
struct Params { N: u32, C: u32, V: u32 }

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read> ids: array<i32>;
@group(0) @binding(2) var<storage, read> table: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = (wid.y * nwg.x + wid.x) * 256u + lid.x;
  if (i >= p.N * p.C) { return; }
  let n = i / p.C;
  let c = i % p.C;
  let id = ids[n];
  if (id < 0 || u32(id) >= p.V) { out[i] = 0.0; return; }
  out[i] = table[u32(id) * p.C + c];
}
