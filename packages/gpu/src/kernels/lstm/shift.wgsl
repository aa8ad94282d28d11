// prev[b,t,k] = t > 0 ? hs[b,t-1,k] : (hasH0 ? h0[b,k] : 0): the previous hidden state of every step, (B,T,Hd).
struct Params { B: u32, T: u32, Hd: u32, hasH0: u32 }

@group(0) @binding(0) var<storage, read_write> prev: array<f32>;
@group(0) @binding(1) var<storage, read> hs: array<f32>;
@group(0) @binding(2) var<storage, read> h0: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = (wid.y * nwg.x + wid.x) * 256u + lid.x;
  if (i >= p.B * p.T * p.Hd) { return; }
  let k = i % p.Hd;
  let t = (i / p.Hd) % p.T;
  let b = i / (p.Hd * p.T);
  if (t > 0u) { prev[i] = hs[i - p.Hd]; } else if (p.hasH0 != 0u) { prev[i] = h0[b * p.Hd + k]; } else { prev[i] = 0.0; }
}
