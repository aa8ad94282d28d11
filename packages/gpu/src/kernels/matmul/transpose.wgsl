// Batched transpose: out(batch, cols, rows) = in(batch, rows, cols)ᵀ. Feeds transposed operands to fast.wgsl,
// which wants A as (M,K) and B as (K,N); O(rows·cols), cheap next to the O(M·N·K) product.

struct Params { rows: u32, cols: u32, sIn: u32, sOut: u32 }

@group(0) @binding(0) var<storage, read_write> dst: array<f32>;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

@compute @workgroup_size(16, 16)
fn main(@builtin(global_invocation_id) g: vec3u) {
  let r = g.y;
  let c = g.x;
  if (r >= p.rows || c >= p.cols) { return; }
  dst[g.z * p.sOut + c * p.rows + r] = src[g.z * p.sIn + r * p.cols + c];
}
