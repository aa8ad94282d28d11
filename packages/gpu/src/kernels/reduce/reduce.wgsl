// Full reduction in two deterministic passes. Pass 1 (STAGE 0): workgroup g reduces the contiguous chunk
// [g*chunk, (g+1)*chunk) of x into part[g] (each invocation strides over the chunk, then a fixed shared-memory tree).
// Pass 2 (STAGE 1): one workgroup reduces the parts (already squared for OP 2) into out[outIndex].
// STAGE 2: a single workgroup over all of x (small n). The chunking depends only on n, so results are bitwise
// repeatable. OP: 0 sum, 1 max, 2 sum of squares.
override OP: u32 = 0u;
override STAGE: u32 = 0u;

struct Params { n: u32, outIndex: u32, chunk: u32 }

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

var<workgroup> part: array<f32, 256>;

fn combine(a: f32, b: f32) -> f32 {
  if (OP == 1u) { return max(a, b); }
  return a + b;
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let lo = wid.x * p.chunk;
  let hi = min(lo + p.chunk, p.n);
  var acc = select(0.0, -3.402823e38, OP == 1u);
  for (var i = lo + lid.x; i < hi; i += 256u) {
    let v = x[i];
    if (OP == 2u && STAGE != 1u) { acc += v * v; } else { acc = combine(acc, v); }
  }
  part[lid.x] = acc;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s >>= 1u) {
    if (lid.x < s) { part[lid.x] = combine(part[lid.x], part[lid.x + s]); }
    workgroupBarrier();
  }
  if (lid.x == 0u) {
    if (STAGE == 0u) { out[wid.x] = part[0]; } else { out[p.outIndex] = part[0]; }
  }
}
