// One fully cached build in a fresh process (what `lathe build` pays besides the CLI): prints {buildMs}.
// Usage: bun bench/engine-child.ts <cacheDir> <dataDir> <twelve|sweep>
import { build } from "../src/build.ts";
import { sweep, twelveStages, writeData } from "./graphs.ts";

const [cacheDir, dataDir, which] = process.argv.slice(2) as [string, string, string];
const files = writeData(dataDir);
const graph = which === "sweep" ? sweep(files) : twelveStages(files);
const t = performance.now();
const s = await build(graph, { cacheDir, root: dataDir });
const buildMs = performance.now() - t;
if (!s.stages.every((x) => x.status === "cached")) throw new Error("expected a fully cached build");
console.log(JSON.stringify({ buildMs }));
