// Fast batched matmul for tile-friendly shapes: C(batch,M,N) (+)= A(batch,M,K)·B(K,N | batch,K,N) (+ bias(N)),
// N and K multiples of 4. Written for lavapipe, where every storage load is a per-lane scalar loop and so loads,
// not FMAs, set the speed (see bench/matmul-variants, v21): each invocation owns ROWS rows x 4 columns. A arrives in
// chunks of 32 k: lane l of each subgroup loads A[row, k+4l .. k+4l+3] and subgroupBroadcast hands every value to
// all lanes (register shuffles). B's 32 k x 128 column tile is staged once per chunk in workgroup memory and
// shared by the RG row groups of the workgroup (workgroup memory loads skip the bounds checks of storage loads).
// Needs subgroups of 8..32 lanes (a subgroup must not straddle row groups). fast.ts expands the //@ markers.
// flags: bit 0 accumulate into C, bit 1 add bias. Strides are in vec4 units; sBb = 0 shares B over the batch.
enable subgroups;
diagnostic(off, subgroup_uniformity);

struct Params {
  M: u32, N: u32, K: u32, flags: u32,
  sAb: u32, sBb: u32, sCb: u32, pad: u32,
}

@group(0) @binding(0) var<storage, read_write> C4: array<vec4f>;  // (batch, M, N/4)
@group(0) @binding(1) var<storage, read> A4: array<vec4f>;        // (batch, M, K/4)
@group(0) @binding(2) var<storage, read> B4: array<vec4f>;        // (K, N/4), per batch when sBb > 0
@group(0) @binding(3) var<storage, read> bias4: array<vec4f>;     // (N/4), read only when flags & 2
@group(0) @binding(4) var<uniform> p: Params;

var<workgroup> Bs: array<vec4f, 1024>;  // (32 k, 32 column vec4s)

@compute @workgroup_size(32, RG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u,
        @builtin(subgroup_invocation_id) sl: u32) {
  let lane = sl & 7u;
  let n4 = p.N / 4u;
  let k4n = p.K / 4u;
  let row0 = wid.y * (ROWSu * RGu) + lid.y * ROWSu;
  let colRaw = wid.x * 32u + lid.x;
  let col4 = min(colRaw, n4 - 1u);  // edge lanes compute a duplicate column and skip the store
  let tid = lid.y * 32u + lid.x;
  let aBase = wid.z * p.sAb;
  let bBatch = wid.z * p.sBb;
  let bBase = bBatch + col4;
  //@ROWS_INIT
  let kMain = p.K - p.K % 32u;
  for (var k = 0u; k < kMain; k += 32u) {
    let k4 = k / 4u;
    for (var s = 0u; s < 1024u; s += 32u * RGu) {
      let idx = s + tid;
      Bs[idx] = B4[bBatch + (k + idx / 32u) * n4 + min(wid.x * 32u + idx % 32u, n4 - 1u)];
    }
    workgroupBarrier();
    //@CHUNK
    workgroupBarrier();
  }
  for (var k = kMain; k < p.K; k += 4u) {
    let k4 = k / 4u;
    let b0 = B4[bBase + k * n4];
    let b1 = B4[bBase + (k + 1u) * n4];
    let b2 = B4[bBase + (k + 2u) * n4];
    let b3 = B4[bBase + (k + 3u) * n4];
    //@TAIL
  }
  if (colRaw >= n4) { return; }
  var bv = vec4f(0.0);
  if ((p.flags & 2u) != 0u) { bv = bias4[col4]; }
  let cBase = wid.z * p.sCb + col4;
  let accumulate = (p.flags & 1u) != 0u;
  //@STORE
}

fn store(i: u32, v: vec4f, accumulate: bool) {
  if (accumulate) { C4[i] = C4[i] + v; } else { C4[i] = v; }
}
