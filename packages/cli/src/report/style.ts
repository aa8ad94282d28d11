// The report page's own stylesheet (uPlot's sits beside it): one readable column, tables with right-aligned numbers.
export const PAGE_CSS = `
:root { color-scheme: light; --fg: #1d2126; --muted: #5f6b76; --line: #dde2e6; --best: #e7f5e9; --accent: #2f6fb0; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: #fff; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 20px 60px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
.meta, .note { color: var(--muted); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 18px; }
figure.chart { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 8px 8px 4px; }
figure.chart figcaption { display: flex; gap: 14px; align-items: center; font-weight: 600; margin-bottom: 4px; }
figure.chart figcaption label { font-weight: normal; color: var(--muted); font-size: 12px; }
figure.chart .plot { width: 100%; min-height: 280px; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
th.num, td.num { text-align: right; }
table.sortable th { cursor: pointer; user-select: none; }
table.sortable th[aria-sort="ascending"]::after { content: " ▲"; }
table.sortable th[aria-sort="descending"]::after { content: " ▼"; }
td.best { background: var(--best); font-weight: 600; }
tr.selected td:first-child { font-weight: 600; }
tr.selected td:first-child::after { content: " ★"; color: var(--accent); }
td.status-failed { color: #b3261e; }
td.status-not-built, td.status-stopped-early { color: var(--muted); }
tr.group th { background: #f4f6f8; text-transform: uppercase; font-size: 11px; letter-spacing: .05em; color: var(--muted); }
.se { color: var(--muted); font-size: 12px; }
.samples details { margin: 6px 0; }
.samples summary { cursor: pointer; font-weight: 600; }
.samples pre { white-space: pre-wrap; word-break: break-word; background: #f6f8fa; border: 1px solid var(--line); border-radius: 6px; padding: 10px; margin: 6px 0 0; }
ul.notes { color: var(--muted); font-size: 12px; }
`;
