// A child process for the engine's cross-process tests: builds a fixture graph in the given cache dir and prints the
// summary as JSON. Usage: bun src/test-build-child.ts <cacheDir> <slow|pair>

import { build } from "./build.ts";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { count, slowWriteRun, stage } from "./test-fixtures.ts";

const [cacheDir, mode] = process.argv.slice(2);
if (!cacheDir || (mode !== "slow" && mode !== "pair")) {
  console.error("usage: bun src/test-build-child.ts <cacheDir> <slow|pair>");
  process.exit(2);
}
const graph =
  mode === "slow"
    ? [stage("slow", { kind: "fixture.slow", params: { chunks: 150, delayMs: 10 }, run: slowWriteRun })]
    : [
        stage("first", {
          params: { text: "first" },
          run: async (ctx) => {
            count(ctx.id);
            ctx.log("started");
            await Bun.sleep(1000); // long enough for a second process to start and find the lock taken
            writeFileSync(join(ctx.outDir, "out.txt"), "first");
          },
        }),
        stage("second", { deps: ["first"], params: { text: "second" } }),
      ];
const summary = await build(graph, {
  cacheDir,
  onEvent: (e) => {
    if (e.type === "stage-log" && !e.replay) console.log(`log ${e.id} ${e.line}`);
  },
});
console.log(JSON.stringify(summary));
