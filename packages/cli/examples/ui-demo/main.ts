// A demo of the build view, for looking at the renderers without any ML: synthetic stages (they only sleep and
// report made-up progress and a decaying "loss") run through the real engine in a throwaway cache.
// Run: bun packages/cli/examples/ui-demo/main.ts [--plain|--json] [--trials N] [--fail]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build, type StageContext, type StageDef } from "@lathe/engine";
import { exitOnBrokenPipe } from "../../src/ui/pipe.ts";
import { selectRenderer } from "../../src/ui/select.ts";

const argv = process.argv.slice(2);
const trials = Number(argv[argv.indexOf("--trials") + 1] || 0) || 3;
const fail = argv.includes("--fail");

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function stage(id: string, kind: string, steps: number, unit: string, inputs: string[], opts: { loss?: boolean; fails?: boolean } = {}): StageDef {
  return {
    id,
    kind: `demo.${kind}`,
    version: "1",
    params: { id, nonce: Date.now() },
    inputs: Object.fromEntries(inputs.map((i) => [i, { stage: i }])),
    async run(ctx: StageContext) {
      for (let i = 1; i <= steps; i++) {
        if (ctx.signal.aborted) throw new Error("aborted");
        await sleep(40 + Math.random() * 40);
        ctx.progress({ done: i, total: steps, unit });
        if (opts.loss) ctx.metric("loss", 4 * Math.exp(-i / (steps / 3)) + 1 + Math.random() * 0.2, i);
        if (i % 10 === 0) ctx.log(`${kind}: ${i}/${steps} ${unit}`);
        if (opts.fails && i === Math.floor(steps / 2)) throw new Error(`synthetic failure at ${unit} ${i} (--fail)`);
      }
      await Bun.write(join(ctx.outDir, "out.txt"), id);
    },
  };
}

const graph: StageDef[] = [stage("collect", "collect", 30, "files", []), stage("clean", "clean", 50, "docs", ["collect"])];
for (let t = 1; t <= trials; t++) {
  graph.push(stage(`trial-${t}/tokenizer`, "tokenizer", 40, "merges", ["clean"]));
  graph.push(stage(`trial-${t}/train`, "train", 120, "steps", [`trial-${t}/tokenizer`], { loss: true, fails: fail && t === 2 }));
  graph.push(stage(`trial-${t}/sample`, "sample", 20, "tokens", [`trial-${t}/train`]));
}

const cacheDir = mkdtempSync(join(tmpdir(), "lathe-ui-demo-"));
process.stdout.on("error", exitOnBrokenPipe);
const renderer = await selectRenderer({ plain: argv.includes("--plain"), json: argv.includes("--json") });
try {
  const summary = await build(graph, { cacheDir, concurrency: 4, continueOnError: true, onEvent: (e) => renderer.onEvent(e) });
  await renderer.close();
  process.exitCode = summary.ok ? 0 : 1;
} finally {
  rmSync(cacheDir, { recursive: true, force: true });
}
