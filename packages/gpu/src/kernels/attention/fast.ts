// Subgroup versions of the attention kernels, generated for a head size D (multiple of 4) and a fixed subgroup
// size SG. Lanes own consecutive queries (forward, dq) or keys (dk/dv); the row they all need next (a key, or a
// query) is loaded once by the subgroup, a vec4 per lane, and handed to every lane by subgroupBroadcast. On lavapipe
// each storage load is a per-lane scalar loop, so this cuts the loads per (query, key) pair from 2D to 2D/SG.
// Loops run to the subgroup's last query (first key) and mask per lane, keeping control flow uniform.
// The head dim loop is unrolled in source because subgroupBroadcast takes a constant lane.

const HEADER = `enable subgroups;
diagnostic(off, subgroup_uniformity);

struct Params { T: u32, C: u32, H: u32, causal: u32, scale: f32, pad0: u32, pad1: u32, pad2: u32 }
`;

function slots(D: number, sg: number): number {
  return Math.ceil(D / 4 / sg);
}

/** Cooperative load of one D-row starting at vec4 index `base` into per-lane registers <name>0..; clamped. */
function loadRow(name: string, arr: string, base: string, D: number, sg: number): string {
  const D4 = D / 4;
  return [...Array(slots(D, sg)).keys()]
    .map((s) => `let ${name}${s} = ${arr}[${base} + min(lane + ${s * sg}u, ${D4 - 1}u)];`)
    .join("\n    ");
}

/** The j-th vec4 of a row loaded by loadRow, in every lane. */
function bc(name: string, j: number, sg: number): string {
  return `subgroupBroadcast(${name}${Math.floor(j / sg)}, ${j % sg}u)`;
}

/** Forward: out (B,T,C) and lse (B,H,T); one query per lane. */
export function forwardFastSource(D: number, sg: number, wg: number): string {
  const J = [...Array(D / 4).keys()];
  return `${HEADER}
@group(0) @binding(0) var<storage, read_write> out4: array<vec4f>;  // (B,T,C/4)
@group(0) @binding(1) var<storage, read_write> lse: array<f32>;     // (B,H,T)
@group(0) @binding(2) var<storage, read> qkv4: array<vec4f>;        // (B,T,3C/4)
@group(0) @binding(3) var<uniform> p: Params;

@compute @workgroup_size(${wg})
fn main(@builtin(global_invocation_id) g: vec3u, @builtin(subgroup_invocation_id) lane: u32) {
  let h = g.y;
  let b = g.z;
  let tq = min(g.x, p.T - 1u);
  let row3 = 3u * p.C / 4u;
  let c4 = p.C / 4u;
  let qo = (b * p.T + tq) * row3 + h * ${D / 4}u;
  ${J.map((j) => `let q${j} = qkv4[qo + ${j}u] * p.scale;`).join("\n  ")}
  ${J.map((j) => `var o${j} = vec4f(0.0);`).join("\n  ")}
  var m = -3.0e38;
  var l = 0.0;
  let tLast = select(p.T - 1u, subgroupMax(tq), p.causal != 0u);
  for (var u = 0u; u <= tLast; u++) {
    let ko = (b * p.T + u) * row3 + c4 + h * ${D / 4}u;
    ${loadRow("kr", "qkv4", "ko", D, sg)}
    ${loadRow("vr", "qkv4", "ko + c4", D, sg)}
    var s = 0.0;
    ${J.map((j) => `s += dot(q${j}, ${bc("kr", j, sg)});`).join("\n    ")}
    let live = p.causal == 0u || u <= tq;
    let mNew = select(m, max(m, s), live);
    let corr = exp(m - mNew);
    let e = select(0.0, exp(s - mNew), live);
    l = fma(l, corr, e);
    m = mNew;
    ${J.map((j) => `o${j} = fma(vec4f(e), ${bc("vr", j, sg)}, o${j} * corr);`).join("\n    ")}
  }
  if (g.x >= p.T) { return; }
  let oo = (b * p.T + tq) * c4 + h * ${D / 4}u;
  let inv = 1.0 / l;
  ${J.map((j) => `out4[oo + ${j}u] = o${j} * inv;`).join("\n  ")}
  lse[(b * p.H + h) * p.T + tq] = m + log(l);
}
`;
}

const BWD_BINDINGS = `
@group(0) @binding(0) var<storage, read_write> dqkv4: array<vec4f>;  // (B,T,3C/4)
@group(0) @binding(1) var<storage, read> qkv4: array<vec4f>;         // (B,T,3C/4)
@group(0) @binding(2) var<storage, read> dout4: array<vec4f>;        // (B,T,C/4)
@group(0) @binding(3) var<storage, read> lse: array<f32>;            // (B,H,T)
@group(0) @binding(4) var<storage, read> delta: array<f32>;          // (B,H,T)
@group(0) @binding(5) var<uniform> p: Params;
`;

/**
 * Backward dq: one query per lane, keys 0..(last query of the subgroup), masked per lane. Each lane also computes
 * its row's delta = dout·out (in delta.wgsl's order, so the values are the same) and writes it for the dk/dv pass,
 * which saves delta.wgsl's dispatch.
 */
export function dqFastSource(D: number, sg: number, wg: number): string {
  const J = [...Array(D / 4).keys()];
  const bindings = BWD_BINDINGS.replace("var<storage, read> delta: array<f32>;         ", "var<storage, read_write> delta: array<f32>;   ").replace(
    "@group(0) @binding(5) var<uniform> p: Params;",
    "@group(0) @binding(5) var<storage, read> out4: array<vec4f>;         // (B,T,C/4), the forward's output\n@group(0) @binding(6) var<uniform> p: Params;",
  );
  const deltaLine = `var dl = 0.0;\n  ${J.map((j) => `let o${j} = out4[oo + ${j}u];\n  ${[..."xyzw"].map((c) => `dl = fma(do${j}.${c}, o${j}.${c}, dl);`).join(" ")}`).join("\n  ")}\n  if (g.x < p.T) { delta[r] = dl; }`;
  return `${HEADER}${bindings}
@compute @workgroup_size(${wg})
fn main(@builtin(global_invocation_id) g: vec3u, @builtin(subgroup_invocation_id) lane: u32) {
  let h = g.y;
  let b = g.z;
  let tq = min(g.x, p.T - 1u);
  let row3 = 3u * p.C / 4u;
  let c4 = p.C / 4u;
  let qo = (b * p.T + tq) * row3 + h * ${D / 4}u;
  let oo = (b * p.T + tq) * c4 + h * ${D / 4}u;
  ${J.map((j) => `let q${j} = qkv4[qo + ${j}u] * p.scale;\n  let do${j} = dout4[oo + ${j}u];\n  var dq${j} = vec4f(0.0);`).join("\n  ")}
  let r = (b * p.H + h) * p.T + tq;
  let lr = lse[r];
  ${deltaLine}
  let tLast = select(p.T - 1u, subgroupMax(tq), p.causal != 0u);
  for (var u = 0u; u <= tLast; u++) {
    let ko = (b * p.T + u) * row3 + c4 + h * ${D / 4}u;
    ${loadRow("kr", "qkv4", "ko", D, sg)}
    ${loadRow("vr", "qkv4", "ko + c4", D, sg)}
    var s = 0.0;
    var dp = 0.0;
    ${J.map((j) => `s += dot(q${j}, ${bc("kr", j, sg)});\n    dp += dot(do${j}, ${bc("vr", j, sg)});`).join("\n    ")}
    let live = p.causal == 0u || u <= tq;
    let ds = select(0.0, exp(s - lr) * (dp - dl) * p.scale, live);
    ${J.map((j) => `dq${j} = fma(vec4f(ds), ${bc("kr", j, sg)}, dq${j});`).join("\n    ")}
  }
  if (g.x >= p.T) { return; }
  ${J.map((j) => `dqkv4[qo + ${j}u] = dq${j};`).join("\n  ")}
}
`;
}

/** Backward dk, dv: one key per lane, queries from the subgroup's first key to T-1, masked per lane. */
export function dkvFastSource(D: number, sg: number, wg: number): string {
  const J = [...Array(D / 4).keys()];
  return `${HEADER}${BWD_BINDINGS}
@compute @workgroup_size(${wg})
fn main(@builtin(global_invocation_id) g: vec3u, @builtin(subgroup_invocation_id) lane: u32) {
  let h = g.y;
  let b = g.z;
  let uk = min(g.x, p.T - 1u);
  let row3 = 3u * p.C / 4u;
  let c4 = p.C / 4u;
  let ko = (b * p.T + uk) * row3 + c4 + h * ${D / 4}u;
  let vo = ko + c4;
  ${J.map((j) => `let k${j} = qkv4[ko + ${j}u];\n  let v${j} = qkv4[vo + ${j}u];\n  var dk${j} = vec4f(0.0);\n  var dv${j} = vec4f(0.0);`).join("\n  ")}
  let r0 = (b * p.H + h) * p.T;
  let tFirst = select(0u, subgroupMin(uk), p.causal != 0u);
  for (var t = tFirst; t < p.T; t++) {
    let qo = (b * p.T + t) * row3 + h * ${D / 4}u;
    let oo = (b * p.T + t) * c4 + h * ${D / 4}u;
    ${loadRow("qr", "qkv4", "qo", D, sg)}
    ${loadRow("dr", "dout4", "oo", D, sg)}
    var s = 0.0;
    var dp = 0.0;
    ${J.map((j) => `s += dot(${bc("qr", j, sg)}, k${j});\n    dp += dot(${bc("dr", j, sg)}, v${j});`).join("\n    ")}
    let live = p.causal == 0u || t >= uk;
    let pr = select(0.0, exp(s * p.scale - lse[r0 + t]), live);
    let ds = pr * (dp - delta[r0 + t]) * p.scale;
    ${J.map((j) => `dv${j} = fma(vec4f(pr), ${bc("dr", j, sg)}, dv${j});\n    dk${j} = fma(vec4f(ds), ${bc("qr", j, sg)}, dk${j});`).join("\n    ")}
  }
  if (g.x >= p.T) { return; }
  ${J.map((j) => `dqkv4[ko + ${j}u] = dk${j};\n  dqkv4[vo + ${j}u] = dv${j};`).join("\n  ")}
}
`;
}
