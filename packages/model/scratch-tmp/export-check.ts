import { exportHf, loadHostModel } from "../src/index.ts";
await exportHf({ trainDir: "/tmp/mh/cache/stages/27fcdae1963492dba42ee6946ef999574c8ac0cff1b9935dc91d637e15312a98/out", tokenizerDir: "/tmp/mh/cache/stages/3bafbf426e547b47387a92e88f2b5c6337472c0cb438f3d3cb8afdd0628b1b2b/out", outDir: "/tmp/mh/hf" });
const m = loadHostModel("/tmp/mh/cache/stages/27fcdae1963492dba42ee6946ef999574c8ac0cff1b9935dc91d637e15312a98/out");
const ids = [5, 300, 17, 1024, 2000, 7, 99, 450];
const rows = ids.map((id) => Array.from(m.step(id)));
await Bun.write("/tmp/mh/hf-ref.json", JSON.stringify({ ids, rows }));
