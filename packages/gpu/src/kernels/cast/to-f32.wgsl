// cast f16 -> f32 (exact): one invocation per input word (elements 2w, 2w+1).
// Prepended: f16.wgsl (enable f16; f16_bits, f32_bits, pack_f16, unpack_f16).
struct Params { n: u32 }

@group(0) @binding(0) var<storage, read_write> out: array<u32>;    // (n) f32 bits
@group(0) @binding(1) var<storage, read> x: array<vec2<f16>>;      // (ceil(n/2)) pairs
@group(0) @binding(2) var<uniform> p: Params;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let w = (wid.y * nwg.x + wid.x) * 256u + lid.x;
  let i = 2u * w;
  if (i >= p.n) { return; }
  let h = bitcast<u32>(x[w]);
  out[i] = f32_bits(h & 0xffffu);
  if (i + 1u < p.n) { out[i + 1u] = f32_bits(h >> 16u); }
}
