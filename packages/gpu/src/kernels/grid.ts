// Workgroup-count helpers: 1-D work spread over (x, y) so no dimension exceeds 65535 workgroups.
// Kernels recover the flat index as (wid.y * nwg.x + wid.x) * WG + lid.x.

export function grid1d(items: number, wg: number): [number, number] {
  const groups = Math.ceil(items / wg);
  if (groups <= 65535) return [groups, 1];
  const y = Math.ceil(groups / 65535);
  return [Math.ceil(groups / y), y];
}
