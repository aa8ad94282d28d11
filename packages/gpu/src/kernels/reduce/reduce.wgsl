// Full reduction of x (n) into out[outIndex] by one workgroup: each invocation strides over x, then a fixed
// shared-memory tree. Deterministic. OP: 0 sum, 1 max, 2 sum of squares.
override OP: u32 = 0u;

struct Params { n: u32, outIndex: u32 }

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

var<workgroup> part: array<f32, 256>;

fn combine(a: f32, b: f32) -> f32 {
  if (OP == 1u) { return max(a, b); }
  return a + b;
}

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_id) lid: vec3u) {
  var acc = select(0.0, -3.402823e38, OP == 1u);
  for (var i = lid.x; i < p.n; i += 256u) {
    let v = x[i];
    if (OP == 2u) { acc += v * v; } else { acc = combine(acc, v); }
  }
  part[lid.x] = acc;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s >>= 1u) {
    if (lid.x < s) { part[lid.x] = combine(part[lid.x], part[lid.x + s]); }
    workgroupBarrier();
  }
  if (lid.x == 0u) { out[p.outIndex] = part[0]; }
}
