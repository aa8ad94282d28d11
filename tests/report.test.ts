// lathe compare and the report page in a real browser: builds a 2-trial sweep of the tiny model (tests/fixtures/cli/tiny-model.yaml with
// a grid over train.lr, CPU backend, a temporary LATHE_CACHE; seconds), writes `lathe report`, opens the file in
// headless Chromium (Debian's /usr/bin/chromium through playwright-core; no browser download) and checks that it
// loads nothing, logs no error, draws every chart and lists every trial. Screenshot: tests/artifacts/report.png.
// The compare checks run without Chromium too.
// Run: bun test tests/report.test.ts
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const ROOT = join(import.meta.dir, "..");
const MAIN = join(ROOT, "packages/cli/src/main.ts");
const CHROMIUM = "/usr/bin/chromium";
const ARTIFACT = join(ROOT, "tests/artifacts/report.png");
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.log(`report.test.ts: the browser checks are skipped: ${CHROMIUM} is absent (Debian package chromium; scripts/test-deps.sh installs it)`);

setDefaultTimeout(120_000);

let dir: string;
let recipe: string;
let html: string;

function lathe(...args: string[]): { code: number; stdout: string; stderr: string } {
  const p = Bun.spawnSync(["bun", MAIN, ...args], {
    cwd: dir,
    env: { ...process.env, LATHE_CACHE: join(dir, "cache"), CI: "1", FORCE_COLOR: "0", NO_COLOR: "1" },
    stdout: "pipe",
    stderr: "pipe",
  });
  return { code: p.exitCode ?? -1, stdout: p.stdout.toString(), stderr: p.stderr.toString() };
}

/** `lathe report` through the CLI once the command is wired into the table, else its handler directly. */
async function report(recipe: string, out: string): Promise<void> {
  const { findCommand } = await import("../packages/cli/src/commands.ts");
  if (findCommand("report")) {
    const r = lathe("report", recipe, "--out", out);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    return;
  }
  const { reportCommand } = await import("../packages/cli/src/commands/report.ts");
  const code = await reportCommand({ root: ROOT, cacheDir: join(dir, "cache") }, { command: "report", positionals: { recipe }, options: { out }, help: false });
  expect(code).toBe(0);
}

/** `lathe compare --json` rows through the CLI once the command is wired, else the table its handler prints. */
async function compare(...flags: string[]): Promise<Record<string, unknown>[]> {
  const { findCommand } = await import("../packages/cli/src/commands.ts");
  if (findCommand("compare")) {
    const r = lathe("compare", recipe, "--json", ...flags);
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout).trials;
  }
  const { compareTable } = await import("../packages/cli/src/commands/compare.ts");
  const options: Record<string, string | string[] | boolean> = {};
  for (let i = 0; i < flags.length; i += 2) {
    if (flags[i] === "--set") options.set = [...((options.set as string[]) ?? []), flags[i + 1]!];
    else options[flags[i]!.slice(2)] = flags[i + 1]!;
  }
  const { table } = await compareTable({ root: ROOT, cacheDir: join(dir, "cache") }, "compare", { command: "compare", positionals: { recipe }, options, help: false });
  return table.rows as Record<string, unknown>[];
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "lathe-report-test-"));
  cpSync(join(ROOT, "tests/fixtures/cli/text"), join(dir, "text"), { recursive: true }); // datasets are relative to the recipe
  recipe = join(dir, "sweep.yaml");
  writeFileSync(
    recipe,
    [
      `extends: ${join(ROOT, "tests/fixtures/cli/tiny-model.yaml")}`,
      "name: report-sweep",
      "train:",
      "  backend: cpu",
      "sweep:",
      "  grid:",
      "    train.lr: [0.003, 0.01]",
      "",
    ].join("\n"),
  );
  const built = lathe("build", recipe, "--plain");
  if (built.code !== 0) throw new Error(`building the sweep failed:\n${built.stdout}\n${built.stderr}`);
  html = join(dir, "report.html");
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    await report(recipe, html);
  } finally {
    process.chdir(cwd);
  }
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("lathe compare", () => {
  test("lists both trials as done with their learning rate, sorted by val_bpb", async () => {
    const rows = await compare("--sort", "val_bpb");
    expect(rows.map((r) => r.status)).toEqual(["done", "done"]);
    expect(rows.map((r) => r["train.lr"]).sort()).toEqual([0.003, 0.01]);
    const bpb = rows.map((r) => r.val_bpb as number);
    expect(bpb).toEqual([...bpb].sort((a, b) => a - b));
    expect(rows.every((r) => typeof r["wordnet_define acc"] === "number" && r.steps === 20)).toBe(true);
  });

  test("builds nothing: trials of a changed recipe are not built", async () => {
    const rows = await compare("--set", "train.steps=21");
    expect(rows.map((r) => [r.status, r.val_loss])).toEqual([["not built", null], ["not built", null]]);
    expect((await compare()).map((r) => r.status)).toEqual(["done", "done"]);
  });
});

describe.skipIf(!haveChromium)("lathe report in Chromium", () => {
  test("the page is one file that inlines uPlot and forbids every request", () => {
    const text = readFileSync(html, "utf8");
    expect(text).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none';`);
    expect(text).not.toMatch(/<(script|link)[^>]+(src|href)="(?!data:)/);
    expect(text).toContain("uPlot");
  });

  test("opened in headless Chromium, it loads nothing, logs no error, draws every chart and lists both trials", async () => {
    const pw = (await import(Bun.resolveSync("playwright-core", join(ROOT, "packages/cli")))) as typeof import("playwright-core");
    const browser = await pw.chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      const requests: string[] = [];
      const failed: string[] = [];
      page.on("console", (m) => void (m.type() === "error" && errors.push(m.text())));
      page.on("pageerror", (e) => void errors.push(String(e)));
      page.on("request", (r) => void requests.push(r.url()));
      page.on("requestfailed", (r) => void failed.push(`${r.url()}: ${r.failure()?.errorText}`));
      const url = pathToFileURL(html).href;
      await page.goto(url, { waitUntil: "load" });

      // Every chart figure has a uPlot canvas with a size and drawn (non-transparent) pixels.
      const charts = await page.$$eval("figure.chart", (figs) =>
        figs.map((f) => {
          const c = f.querySelector(".uplot canvas") as HTMLCanvasElement | null;
          if (!c) return { id: f.id, width: 0, height: 0, inked: 0 };
          const px = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
          let inked = 0;
          for (let i = 3; i < px.length; i += 4) if (px[i]! > 0) inked++;
          return { id: f.id, width: c.width, height: c.height, inked };
        }),
      );
      expect(charts.map((c) => c.id)).toEqual(["fig-train-loss", "fig-val-loss"]);
      for (const c of charts) {
        expect(c.width).toBeGreaterThan(0);
        expect(c.height).toBeGreaterThan(0);
        expect(c.inked).toBeGreaterThan(200);
      }
      expect(await page.$$eval(".uplot .u-legend .u-series", (s) => s.length)).toBe(2 * 3); // x + two trials, per chart

      // The trial table has one row per trial; clicking val_loss twice sorts it descending.
      expect(await page.$$eval("#trial-table tbody tr", (rows) => rows.map((r) => r.cells[0]!.textContent))).toEqual(["trial-1", "trial-2"]);
      await page.click('#trial-table th[data-key="val_loss"]');
      await page.click('#trial-table th[data-key="val_loss"]');
      const losses = await page.$$eval('#trial-table tbody tr td:nth-child(3)', (tds) => tds.map((td) => Number((td as HTMLElement).dataset.v)));
      expect(losses).toEqual([...losses].sort((a, b) => b - a));
      expect(await page.$$eval("#report-card tbody tr", (rows) => rows.length)).toBeGreaterThan(0);
      expect(await page.$$eval(".samples pre", (pres) => pres.length)).toBe(2);

      // The log-y toggle redraws the chart without an error.
      await page.check("#fig-train-loss input[data-log=y]");
      expect(await page.$$eval("#fig-train-loss .uplot canvas", (cs) => cs.length)).toBe(1);

      mkdirSync(join(ROOT, "tests/artifacts"), { recursive: true });
      await page.screenshot({ path: ARTIFACT, fullPage: true });
      console.log(`report.test.ts: screenshot ${ARTIFACT}`);

      expect(errors).toEqual([]);
      expect(failed).toEqual([]);
      expect(requests).toEqual([url]);
    } finally {
      await browser.close();
    }
  });

  test("a scaling section draws its measured points and fitted curve", async () => {
    const { reportInput } = await import("../packages/cli/src/commands/report.ts");
    const { renderReport } = await import("../packages/cli/src/report/render.ts");
    const { trialTable } = await import("../packages/cli/src/trials/table.ts");
    const { fixtureTrials } = await import("../packages/cli/src/trials/test-fixtures.ts");
    const trials = fixtureTrials();
    const scaling = { xLabel: "parameters", points: [1e4, 1e5, 1e6].map((x) => ({ x, loss: 2 + 30 * x ** -0.2 })), fit: { E: 2, A: 30, alpha: 0.2 }, prediction: { x: 1e7, loss: 2 + 30 * 1e7 ** -0.2 } };
    const file = join(dir, "scaling.html");
    writeFileSync(file, renderReport(reportInput(trialTable("fixture.yaml", trials), trials, scaling)));
    const pw = (await import(Bun.resolveSync("playwright-core", join(ROOT, "packages/cli")))) as typeof import("playwright-core");
    const browser = await pw.chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => void errors.push(String(e)));
      page.on("console", (m) => void (m.type() === "error" && errors.push(m.text())));
      await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
      const inked = await page.$eval("#fig-scaling .uplot canvas", (c) => {
        const px = (c as HTMLCanvasElement).getContext("2d")!.getImageData(0, 0, (c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height).data;
        let n = 0;
        for (let i = 3; i < px.length; i += 4) if (px[i]! > 0) n++;
        return n;
      });
      expect(inked).toBeGreaterThan(200);
      expect(await page.$$eval("#fig-scaling .u-legend .u-series", (s) => s.length)).toBe(4); // x, fit, trials, prediction
      expect(await page.$$eval("p.fit", (ps) => ps.map((p) => p.textContent))).toEqual([
        "L(parameters) = E + A·parameters^−α over 3 trials: E = 2, A = 30, α = 0.2",
        "predicted loss at 10.0M parameters: 3.19",
      ]);
      await page.screenshot({ path: join(ROOT, "tests/artifacts/report-scaling.png"), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
