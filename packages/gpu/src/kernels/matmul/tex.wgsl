// Batched matmul reading both operands through textures, written for lavapipe: C(batch,M,N) (+)= A·B (+ bias).
// On lavapipe a storage-buffer load is a per-lane scalar loop with a bounds check for every float (~11
// instructions per lane per float), while textureLoad of an rgba32float texel fetches 4 floats per lane with
// vector code (~4 per float); see bench/probe.ts and bench/ablate.ts. pack.wgsl lays the operands out:
//   At: texel (k/4, aRow) = A[row, k .. k+3], K padded with zeros to a multiple of 32 (rows of batch b at b*aRows);
//   Bt: texel (n/4, bRow) = B[k, n .. n+3], N padded to a multiple of 4, K rows padded to a multiple of 32.
// (With tex.ts's aT/bT layouts, a transposed operand is read as copied from its buffer instead.)
// Each invocation owns ROWS rows x 4*CV columns. A arrives in chunks of 32 k: lane l of the 8-lane group fetches
// A[row, k+4l .. k+4l+3] and subgroupBroadcast hands every value to all lanes. tex.ts expands the //@ markers.
// A workgroup (one 8-lane group) does `rbs` row blocks one after another: lavapipe's per-workgroup cost (it runs
// each workgroup as a coroutine with a large frame) is then paid once per several blocks, which matters at K = 128.
// flags: bit 0 accumulate into C (and CS), bit 1 add bias. Epilogue variants (tex.ts `epilogue`): "gelu" also
// writes G = gelu(C); "dgelu" multiplies by gelu'(P) before storing (P: the pre-activation, same layout as C). Variants built with column sums (tex.ts `colSums`) also
// write CS[n] = sum over k of B[k, n] (a bias gradient when B is dY), from the B values already in registers.
enable subgroups;
diagnostic(off, subgroup_uniformity);

struct Params {
  M: u32, N: u32, K32: u32, flags: u32,
  aRows: u32, bRows: u32, sC: u32, n4: u32,
  rbs: u32, pad0: u32, pad1: u32, pad2: u32,
}

@group(0) @binding(0) var<storage, read_write> C: array<f32>;  // (batch, M, N)
@group(0) @binding(1) var At: texture_2d<f32>;
@group(0) @binding(2) var Bt: texture_2d<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;    // (N), read only when flags & 2
@group(0) @binding(4) var<uniform> p: Params;

@compute @workgroup_size(8)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u,
        @builtin(subgroup_invocation_id) sl: u32) {
  let lane = sl & 7u;
  let aY = wid.z * p.aRows;
  let bY = wid.z * p.bRows;
  let colBase = wid.x * (8u * CVu) + lid.x;  // vec4 column of group c is colBase + 8c
  let accumulate = (p.flags & 1u) != 0u;
  let cBase = wid.z * p.sC;
  //@COLS
  for (var rb = 0u; rb < p.rbs; rb++) {
    let row0 = (wid.y * p.rbs + rb) * ROWSu;
    if (row0 >= p.M) { break; }
    //@ROWS
    //@BSUM_INIT
    for (var k = 0u; k < p.K32; k += 32u) {
      let k4 = k / 4u;
      //@CHUNK
    }
    //@BSUM_STORE
    // The stores run as a loop over a private copy of the accumulators: one store site instead of ROWS * CV
    // inlined ones keeps lavapipe's compile time down (a per-lane store is a loop of its own there).
    var outv: array<vec4f, ROWS_CV>;
    //@STORE
    for (var i = 0u; i < ROWS_CV; i++) {
      store(row0 + i / CVu, colBase + 8u * (i % CVu), outv[i], cBase, accumulate);
    }
  }
}

/** bias[4*col4 .. 4*col4+3] (zero past N), or zero when the product has no bias (flags bit 1 clear). */
fn biasVec(col4: u32) -> vec4f {
  var b = vec4f(0.0);
  if ((p.flags & 2u) == 0u) { return b; }
  let c0 = 4u * col4;
  if (c0 + 3u < p.N) { return vec4f(bias[c0], bias[c0 + 1u], bias[c0 + 2u], bias[c0 + 3u]); }
  for (var j = 0u; j < 4u; j++) {
    if (c0 + j < p.N) { b[j] = bias[c0 + j]; }
  }
  return b;
}

fn store(row: u32, col4: u32, v: vec4f, cBase: u32, accumulate: bool) {
  if (row >= p.M || col4 >= p.n4) { return; }
  let base = cBase + row * p.N + 4u * col4;
  // A full vec4: straight-line loads and stores (a per-lane access costs ~11 instructions on lavapipe, and at
  // K = 128 the epilogue is a large share of the kernel); the loop below handles the ragged last columns.
  let c0 = 4u * col4;
  if (c0 + 3u < p.N) {
    var x = v;
    if (accumulate) { x += vec4f(C[base], C[base + 1u], C[base + 2u], C[base + 3u]); }
    //@EPI_VEC_PRE
    C[base] = x.x;
    C[base + 1u] = x.y;
    C[base + 2u] = x.z;
    C[base + 3u] = x.w;
    //@EPI_VEC_POST
    return;
  }
  for (var j = 0u; j < 4u; j++) {
    let c = 4u * col4 + j;
    if (c < p.N) {
      var x = v[j];
      if (accumulate) { x += C[base + j]; }
      //@EPI_PRE
      C[base + j] = x;
      //@EPI_POST
    }
  }
}
