// Row scaling, one invocation per element of x (N,D): out[n,d] = s[n] * x[n,d]. The backward's dx is this kernel
// applied to dout.
struct Params { N: u32, D: u32 }

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> s: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = (wid.y * nwg.x + wid.x) * 256u + lid.x;
  if (i >= p.N * p.D) { return; }
  out[i] = s[i / p.D] * x[i];
}
