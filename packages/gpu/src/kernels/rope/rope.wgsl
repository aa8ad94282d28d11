// Rotary embedding over packed qkv (B,T,3C), one invocation per element: q and k parts rotate per head with
// half-split pairs (i, i+D/2), theta = t * base^(-2i/D); v copies. sgn = +1 forward, -1 backward (inverse rotation).
struct Params { B: u32, T: u32, C: u32, nHead: u32, base: f32, sgn: f32 }

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let idx = (wid.y * nwg.x + wid.x) * 256u + lid.x;
  let C3 = 3u * p.C;
  if (idx >= p.B * p.T * C3) { return; }
  let row = idx / C3;
  let col = idx % C3;
  if (col >= 2u * p.C) { out[idx] = x[idx]; return; }
  let t = f32(row % p.T);
  let D = p.C / p.nHead;
  let half = D / 2u;
  let j = col % D;
  let i = j % half;
  let theta = t * pow(p.base, -2.0 * f32(i) / f32(D));
  let cs = cos(theta);
  let sn = p.sgn * sin(theta);
  let base = idx - j;
  let x1 = x[base + i];
  let x2 = x[base + i + half];
  if (j < half) { out[idx] = x1 * cs - x2 * sn; } else { out[idx] = x2 * cs + x1 * sn; }
}
