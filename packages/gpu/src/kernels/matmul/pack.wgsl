// Packs a matrix for tex.wgsl: texel (x, b*hPad + y) of an rgba32float texture = X_b[y, 4x .. 4x+3], where X_b
// is the b-th (rows, cols) matrix of src, stored row-major, or transposed ((cols, rows)) when TRANS. Texels past
// the matrix (columns >= cols, rows >= rows up to hPad) are zero, so the product kernel needs no k tail.
// O(rows * cols), next to the O(M * N * K) product; matmul.ts copies instead when the layout allows it.

override TRANS: bool = false;

struct Params { rows: u32, cols: u32, sIn: u32, w4: u32, hPad: u32, pad0: u32, pad1: u32, pad2: u32 }

@group(0) @binding(0) var dst: texture_storage_2d<rgba32float, write>;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

fn at(base: u32, y: u32, c: u32) -> f32 {
  if (c >= p.cols) { return 0.0; }
  if (TRANS) { return src[base + c * p.rows + y]; }
  return src[base + y * p.cols + c];
}

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) g: vec3u) {
  let x = g.x;
  let y = g.y;
  if (x >= p.w4 || y >= p.hPad) { return; }
  var v = vec4f(0.0);
  if (y < p.rows) {
    let base = g.z * p.sIn;
    let c = 4u * x;
    v = vec4f(at(base, y, c), at(base, y, c + 1u), at(base, y, c + 2u), at(base, y, c + 3u));
  }
  textureStore(dst, vec2u(x, g.z * p.hPad + y), v);
}
