// cast f32 -> f16: one invocation per output word (elements 2w, 2w+1); the pad element of an odd n is 0.
// Prepended: f16.wgsl (enable f16; f16_bits, f32_bits, pack_f16, unpack_f16).
struct Params { n: u32 }

@group(0) @binding(0) var<storage, read_write> out: array<vec2<f16>>; // (ceil(n/2)) pairs
@group(0) @binding(1) var<storage, read> x: array<u32>;               // (n) f32 bits, read as integers
@group(0) @binding(2) var<uniform> p: Params;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let w = (wid.y * nwg.x + wid.x) * 256u + lid.x;
  let i = 2u * w;
  if (i >= p.n) { return; }
  let lo = f16_bits(x[i]);
  let hi = select(0u, f16_bits(x[i + 1u]), i + 1u < p.n);
  out[w] = bitcast<vec2<f16>>(lo | (hi << 16u));
}
