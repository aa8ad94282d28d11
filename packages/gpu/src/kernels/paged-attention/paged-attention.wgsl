// Causal attention of query rows against their own sequences' cached keys and values in the paged KV cache: one
// invocation per (row n, head h) walks positions 0..pos[n] page by page (the page table of row seq[n]) with an
// online softmax (running max m, sum l, rescaled output o), as forward.wgsl of kernels/attention does.
// DHEAD (the head size D) is substituted by paged-attention.ts: private arrays need a compile-time length.
// Dimension letters: N rows, C channels, H heads, D head size, PG page size, M page-table columns.
struct Params { N: u32, C: u32, H: u32, PG: u32, M: u32, layerBase: u32, scale: f32, pad: u32 }

const D: u32 = DHEADu;
const WG: u32 = 32u;

@group(0) @binding(0) var<storage, read_write> out: array<f32>;  // (N,C)
@group(0) @binding(1) var<storage, read> q: array<f32>;          // (N,C)
@group(0) @binding(2) var<storage, read> kCache: array<f32>;     // (L,S,C)
@group(0) @binding(3) var<storage, read> vCache: array<f32>;     // (L,S,C)
@group(0) @binding(4) var<storage, read> pageTable: array<i32>;  // (R,M)
@group(0) @binding(5) var<storage, read> seq: array<i32>;        // (N)
@group(0) @binding(6) var<storage, read> pos: array<i32>;        // (N)
@group(0) @binding(7) var<uniform> p: Params;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let idx = (wid.y * nwg.x + wid.x) * WG + lid.x;
  if (idx >= p.N * p.H) { return; }
  let n = idx / p.H;
  let h = idx % p.H;
  let qo = n * p.C + h * D;
  var qr: array<f32, D>;
  var o: array<f32, D>;
  for (var i = 0u; i < D; i++) { qr[i] = q[qo + i] * p.scale; }
  var m = -3.0e38;
  var l = 0.0;
  let len = u32(max(pos[n] + 1, 0));
  let table = u32(seq[n]) * p.M;
  for (var u0 = 0u; u0 < len; u0 += p.PG) {
    let page = pageTable[table + u0 / p.PG];
    let base = (p.layerBase + u32(max(page, 0)) * p.PG) * p.C + h * D;
    let uEnd = min(len - u0, p.PG);
    for (var u = 0u; u < uEnd; u++) {
      let ko = base + u * p.C;
      var s = 0.0;
      for (var i = 0u; i < D; i++) { s = fma(qr[i], kCache[ko + i], s); }
      let mNew = max(m, s);
      let corr = exp(m - mNew);
      let e = exp(s - mNew);
      l = fma(l, corr, e);
      for (var i = 0u; i < D; i++) { o[i] = fma(e, vCache[ko + i], o[i] * corr); }
      m = mNew;
    }
  }
  let inv = select(0.0, 1.0 / l, l > 0.0);
  for (var i = 0u; i < D; i++) { out[qo + i] = o[i] * inv; }
}
