// Inverted dropout: keep element i when (lowbias32(i + lowbias32(seed)) >> 8) >= threshold, scaled by `scale`.
// The same hash as src/rng.ts, so CPU and GPU masks agree bit for bit. Forward and backward are this kernel.
struct Params { n: u32, seed: u32, threshold: u32, scale: f32 }

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

fn lowbias32(v: u32) -> u32 {
  var x = v;
  x ^= x >> 16u;
  x *= 0x7feb352du;
  x ^= x >> 15u;
  x *= 0x846ca68bu;
  x ^= x >> 16u;
  return x;
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = (wid.y * nwg.x + wid.x) * 256u + lid.x;
  if (i >= p.n) { return; }
  let h = lowbias32(i + lowbias32(p.seed));
  out[i] = select(0.0, x[i] * p.scale, (h >> 8u) >= p.threshold);
}
