// renderReport: one self-contained HTML page for a sweep — loss curves of every trial (log-axis toggles), the trial
// table (click a header to sort), the eval report card, a scaling fit, samples. Pure: everything it shows, uPlot
// included, comes in ReportInput; a Content-Security-Policy forbids the page any request, so it works offline.
import type { ReportCard } from "@lathe/eval";
import type { TrialTable } from "../trials/table.ts";
import type { ReportAssets } from "./assets.ts";
import { esc, inlineCode, scriptJson } from "./html.ts";
import { scalingChart, scalingText, type ScalingInput } from "./scaling.ts";
import type { ChartData } from "./series.ts";
import { PAGE_CSS } from "./style.ts";
import { reportCardHtml, trialTableHtml } from "./tables.ts";

export interface ReportInput {
  /** The recipe as shown ("recipes/sweep.yaml"). */
  readonly title: string;
  /** When the page was made (ISO); omitted, the page says nothing about it. */
  readonly generatedAt?: string;
  readonly table: TrialTable;
  /** Loss charts (train loss, val loss), one series per trial; charts without any value are left out. */
  readonly charts: readonly ChartData[];
  /** The merged report card, columns = trials. */
  readonly card?: ReportCard;
  readonly samples: readonly { readonly trial: string; readonly text: string }[];
  /** A scaling-law fit to draw and describe (see scaling.ts). */
  readonly scaling?: ScalingInput;
  readonly assets: ReportAssets;
}

/** No network, no frames, no plugins: only the inline script and styles, and images from data: URLs. */
const CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

function chartFigure(c: ChartData): string {
  const toggle = (axis: "x" | "y", on: boolean | undefined) => `<label><input type="checkbox" data-log="${axis}"${on ? " checked" : ""}> log ${axis}</label>`;
  return `<figure class="chart" id="fig-${esc(c.id)}"><figcaption>${esc(c.title)} ${toggle("x", c.logX)} ${toggle("y", c.logY)}</figcaption><div class="plot" id="plot-${esc(c.id)}"></div></figure>`;
}

const hasValues = (c: ChartData) => c.series.some((s) => s.values.some((v) => v !== null));

export function renderReport(input: ReportInput): string {
  const charts = input.charts.filter(hasValues);
  const scaling = input.scaling ? scalingChart(input.scaling) : undefined;
  const all = scaling ? [...charts, scaling] : charts;
  const counts = new Map<string, number>();
  for (const r of input.table.rows) counts.set(String(r.status), (counts.get(String(r.status)) ?? 0) + 1);
  const n = input.table.rows.length;
  const meta = `${n} trial${n === 1 ? "" : "s"}: ${[...counts].map(([s, k]) => `${k} ${s}`).join(", ")}${input.generatedAt ? ` · made ${esc(input.generatedAt)}` : ""}`;
  const sections = [
    `<h1>${esc(input.title)}</h1><p class="meta">${esc(meta)}</p>`,
    `<h2>Loss curves</h2>${charts.length > 0 ? `<div class="charts">${charts.map(chartFigure).join("")}</div>` : `<p class="note">No trial is built yet: lathe build ${esc(input.title)}</p>`}`,
    `<h2>Trials</h2><div class="table-wrap">${trialTableHtml(input.table)}</div>`,
    input.card ? `<h2>Evaluation</h2><div class="table-wrap">${reportCardHtml(input.card)}</div>` : "",
    input.scaling && scaling
      ? `<h2>Scaling</h2><div class="charts">${chartFigure(scaling)}</div>${scalingText(input.scaling).map((l) => `<p class="fit">${esc(l)}</p>`).join("")}`
      : "",
    input.samples.length > 0
      ? `<h2>Samples</h2><div class="samples">${input.samples.map((s) => `<details open><summary>${esc(s.trial)}</summary><pre>${esc(s.text)}</pre></details>`).join("")}</div>`
      : "",
  ].filter(Boolean);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(input.title)} · lathe report</title>
<link rel="icon" href="data:,">
<style>${inlineCode(input.assets.uplotCss, "style")}</style>
<style>${PAGE_CSS}</style>
</head>
<body>
<main>
${sections.join("\n")}
</main>
<script type="application/json" id="lathe-data">${scriptJson({ charts: all })}</script>
<script>${inlineCode(input.assets.uplotJs, "script")}</script>
<script>${inlineCode(input.assets.clientJs, "script")}</script>
</body>
</html>
`;
}
