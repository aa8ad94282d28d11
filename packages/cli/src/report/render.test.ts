// renderReport: the page's sections, its offline guarantees, and the chart data its script reads.
import { expect, test } from "bun:test";
import { fixtureTrials, CARD } from "../trials/test-fixtures.ts";
import { trialTable } from "../trials/table.ts";
import { renderReport, type ReportInput } from "./render.ts";
import { lossChart, metricCurves } from "./series.ts";

const trials = fixtureTrials();
const base: ReportInput = {
  title: "recipes/sweep.yaml",
  table: trialTable("recipes/sweep.yaml", trials),
  charts: [lossChart("train-loss", "train loss", "loss", metricCurves(trials, "loss")), lossChart("lr", "lr", "lr", metricCurves(trials, "lr"))],
  samples: [{ trial: "trial-1", text: "</script><script>alert(1)</script>" }],
  assets: { uplotJs: "/*UPLOT*/", uplotCss: "/*UPLOT CSS*/", clientJs: "/*CLIENT*/" },
};

function chartData(html: string): { charts: { id: string }[] } {
  const m = /<script type="application\/json" id="lathe-data">(.*?)<\/script>/s.exec(html);
  return JSON.parse(m![1]!);
}

test("the page forbids every request and inlines uPlot before its own script", () => {
  const html = renderReport(base);
  expect(html).toContain(`content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"`);
  expect(html.indexOf("/*UPLOT*/")).toBeLessThan(html.indexOf("/*CLIENT*/"));
  expect(html).toContain("<style>/*UPLOT CSS*/</style>");
  expect(html).not.toMatch(/\s(src|href)="(?!data:)/);
});

test("a chart without any value is left out of the page and its data", () => {
  const html = renderReport(base);
  expect(html).toContain('<figure class="chart" id="fig-train-loss">');
  expect(html).not.toContain('id="fig-lr"');
  expect(chartData(html).charts.map((c) => c.id)).toEqual(["train-loss"]);
});

test("with nothing built the curves section says how to build", () => {
  const html = renderReport({ ...base, charts: [] });
  expect(html).toContain('<p class="note">No trial is built yet: lathe build recipes/sweep.yaml</p>');
});

test("the header counts the trials by status", () => {
  expect(renderReport(base)).toContain('<p class="meta">3 trials: 1 done, 1 stopped early, 1 not built</p>');
});

test("sample text is escaped, so it cannot end the page's script", () => {
  const html = renderReport(base);
  expect(html).toContain("<pre>&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</pre>");
  expect(html).not.toContain("<script>alert(1)");
});

test.each<[string, Partial<ReportInput>, string, boolean]>([
  ["an eval card adds the Evaluation section", { card: CARD }, "<h2>Evaluation</h2>", true],
  ["no card, no Evaluation section", {}, "<h2>Evaluation</h2>", false],
  ["a scaling fit adds its section and chart", { scaling: { xLabel: "tokens", points: [{ x: 1e3, loss: 5 }, { x: 1e4, loss: 4 }], fit: { E: 2, A: 10, alpha: 0.1 } } }, '<figure class="chart" id="fig-scaling">', true],
  ["no samples, no Samples section", { samples: [] }, "<h2>Samples</h2>", false],
])("%s", (_, extra, marker, present) => {
  expect(renderReport({ ...base, ...extra }).includes(marker)).toBe(present);
});
