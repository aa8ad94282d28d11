// The report page's tables: the sortable trial table and the eval report card.
import { expect, test } from "bun:test";
import { CARD, fixtureTrials } from "../trials/test-fixtures.ts";
import { trialTable } from "../trials/table.ts";
import { reportCardHtml, trialTableHtml } from "./tables.ts";

const html = trialTableHtml(trialTable("sweep.yaml", fixtureTrials()));
const rows = html.split("\n").filter((l) => l.startsWith("<tr>"));

test("the trial table has a sortable header per column and one row per trial", () => {
  expect(html).toStartWith('<table class="trials sortable" id="trial-table"><thead><tr><th data-key="trial" data-num="0" title="sort by trial">trial</th><th data-key="train.lr" data-num="1" class="num"');
  expect(rows.length).toBe(3);
});

test("cells carry their raw value for sorting and show it formatted", () => {
  expect(rows[1]).toContain('<td data-v="65.5" class="num">1m05s</td>');
  expect(rows[2]).toContain('<td data-v="" class="num">-</td>');
  expect(rows[2]).toContain('<td data-v="not built" class="status-not-built">not built</td>');
});

test("the best value of each metric column is marked, lowest loss and highest score", () => {
  expect(rows[1]).toContain('<td data-v="4.48" class="num best">4.48</td>');
  expect(rows[0]).toContain('<td data-v="5.2913" class="num">5.291</td>');
  // One trial has an eval score: nothing to compare it with, so nothing is marked.
  expect(rows[1]).toContain('<td data-v="0.3" class="num">0.3</td>');
});

test("the report card groups rows, shows value ± stderr with the row's digits, and the chance level", () => {
  const card = reportCardHtml({ ...CARD, columns: [{ id: "t1", label: "trial-1 <lr>" }], notes: ["t1: a note"] });
  expect(card).toContain('<th class="num">trial-1 &lt;lr&gt;</th>');
  expect(card).toContain('<tr class="group"><th colspan="3">intrinsic</th></tr>');
  expect(card).toContain("<tr><td>bits_per_byte (test) ↓</td><td class=\"num\">4.4326</td><td class=\"num\"></td></tr>");
  expect(card).toContain('<tr><td>wordnet_define acc ↑</td><td class="num">0.300 <span class="se">± 0.100</span></td><td class="num">0.250</td></tr>');
  expect(card).toContain('<ul class="notes"><li>t1: a note</li></ul>');
});
