// The new rows of one layer into the paged KV cache: one invocation per (row n, channel c) of qkv (N,3C) writes
// q[n,c] (rotated at position pos[n] when base > 0, half-split pairs as rope.wgsl), and k[n,c] (rotated alike),
// v[n,c] into the cache row of position pos[n] of page-table row seq[n]. A row with pos < 0 or no page writes
// only q. Dimension letters: N rows, C channels, D head size, M page-table columns, PG page size.
struct Params { N: u32, C: u32, D: u32, PG: u32, M: u32, layerBase: u32, base: f32, pad: u32 }

@group(0) @binding(0) var<storage, read_write> q: array<f32>;       // (N,C)
@group(0) @binding(1) var<storage, read_write> kCache: array<f32>;  // (L,S,C)
@group(0) @binding(2) var<storage, read_write> vCache: array<f32>;  // (L,S,C)
@group(0) @binding(3) var<storage, read> qkv: array<f32>;           // (N,3C)
@group(0) @binding(4) var<storage, read> pageTable: array<i32>;     // (R,M)
@group(0) @binding(5) var<storage, read> seq: array<i32>;           // (N)
@group(0) @binding(6) var<storage, read> pos: array<i32>;           // (N)
@group(0) @binding(7) var<uniform> p: Params;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let idx = (wid.y * nwg.x + wid.x) * 256u + lid.x;
  if (idx >= p.N * p.C) { return; }
  let n = idx / p.C;
  let c = idx % p.C;
  let row = n * 3u * p.C;
  let t = pos[n];
  var qv = qkv[row + c];
  var kv = qkv[row + p.C + c];
  if (p.base > 0.0) {
    let half = p.D / 2u;
    let j = c % p.D;
    let i = j % half;
    let theta = f32(t) * pow(p.base, -2.0 * f32(i) / f32(p.D));
    let cs = cos(theta);
    let sn = sin(theta);
    let h0 = c - j; // the head's first column
    let q1 = qkv[row + h0 + i];
    let q2 = qkv[row + h0 + i + half];
    let k1 = qkv[row + p.C + h0 + i];
    let k2 = qkv[row + p.C + h0 + i + half];
    if (j < half) { qv = q1 * cs - q2 * sn; kv = k1 * cs - k2 * sn; } else { qv = q2 * cs + q1 * sn; kv = k2 * cs + k1 * sn; }
  }
  q[idx] = qv;
  if (t < 0) { return; }
  let page = pageTable[u32(seq[n]) * p.M + u32(t) / p.PG];
  if (page < 0) { return; }
  let o = (p.layerBase + u32(page) * p.PG + u32(t) % p.PG) * p.C + c;
  kCache[o] = kv;
  vCache[o] = qkv[row + 2u * p.C + c];
}
