// Prometheus text of counters, histograms (cumulative buckets, +Inf, sum, count) and gauges.
// Run: bun test packages/serve/src/server
import { expect, test } from "bun:test";
import { Counter, Histogram } from "./metrics.ts";

test("a counter renders one line per label set, with quotes escaped", () => {
  const c = new Counter("x_total", "Things.");
  c.inc({ route: "/a", status: "200" });
  c.inc({ route: "/a", status: "200" }, 2);
  c.inc({ route: 'say "hi"', status: "400" });
  expect(c.render()).toEqual(["# HELP x_total Things.", "# TYPE x_total counter", 'x_total{route="/a",status="200"} 3', 'x_total{route="say \\"hi\\"",status="400"} 1']);
});

test("a histogram renders cumulative buckets, +Inf, sum and count", () => {
  const h = new Histogram("t_seconds", "Time.", [0.1, 1]);
  for (const x of [0.05, 0.5, 0.7, 3]) h.observe(x);
  expect(h.render().slice(2)).toEqual(['t_seconds_bucket{le="0.1"} 1', 't_seconds_bucket{le="1"} 3', 't_seconds_bucket{le="+Inf"} 4', "t_seconds_sum 4.25", "t_seconds_count 4"]);
});
