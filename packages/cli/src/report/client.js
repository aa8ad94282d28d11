// The report page's script (plain browser JavaScript, inlined into the page after uPlot): draws every chart from the
// JSON in #lathe-data with uPlot, rebuilds a chart when its log-x / log-y toggle changes or the page resizes, and
// sorts the trial table when a header is clicked. Chart data: packages/cli/src/report/series.ts (ChartData).
(function () {
  "use strict";
  var PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
  var data = JSON.parse(document.getElementById("lathe-data").textContent);
  var plots = {};

  function opts(chart, width, logX, logY) {
    var series = [{ label: chart.xLabel }];
    chart.series.forEach(function (s, i) {
      var color = PALETTE[i % PALETTE.length];
      var one = { label: s.name, stroke: color, width: 1.5, spanGaps: true }; // uPlot shows markers where points are sparse
      if (s.style === "points") {
        one.paths = function () { return null; };
        one.points = { show: true, size: 8, fill: color };
      } else if (s.style === "line") {
        one.points = { show: false };
      }
      series.push(one);
    });
    return {
      width: width,
      height: 280,
      series: series,
      scales: { x: { time: false, distr: logX ? 3 : 1 }, y: { distr: logY ? 3 : 1 } },
      axes: [{ label: chart.xLabel }, { label: chart.yLabel }],
      legend: { live: true },
    };
  }

  function draw(chart) {
    var box = document.getElementById("plot-" + chart.id);
    var fig = box.closest("figure");
    var logX = fig.querySelector("input[data-log=x]").checked;
    var logY = fig.querySelector("input[data-log=y]").checked;
    if (plots[chart.id]) plots[chart.id].destroy();
    // A log axis cannot show values <= 0: such rows (log x) and values (log y) are left out.
    var rows = [];
    chart.x.forEach(function (x, r) { if (!logX || x > 0) rows.push(r); });
    var columns = [rows.map(function (r) { return chart.x[r]; })].concat(chart.series.map(function (s) {
      return rows.map(function (r) { var v = s.values[r]; return logY && !(v > 0) ? null : v; });
    }));
    plots[chart.id] = new uPlot(opts(chart, Math.max(300, box.clientWidth), logX, logY), columns, box);
  }

  data.charts.forEach(function (chart) {
    draw(chart);
    document.querySelectorAll("#fig-" + chart.id + " input[data-log]").forEach(function (box) {
      box.addEventListener("change", function () { draw(chart); });
    });
  });

  var resizeTimer;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      data.charts.forEach(function (chart) {
        var box = document.getElementById("plot-" + chart.id);
        plots[chart.id].setSize({ width: Math.max(300, box.clientWidth), height: 280 });
      });
    }, 100);
  });

  document.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = table.querySelectorAll("th[data-key]");
    heads.forEach(function (th, col) {
      th.addEventListener("click", function () {
        var desc = th.getAttribute("aria-sort") === "ascending";
        heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", desc ? "descending" : "ascending");
        var numeric = th.dataset.num === "1";
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[col].dataset.v, y = b.cells[col].dataset.v;
          if (x === "" || y === "") return x === y ? 0 : x === "" ? 1 : -1; // empty cells last either way
          var d = numeric && !isNaN(+x) && !isNaN(+y) ? +x - +y : x.localeCompare(y, undefined, { numeric: true });
          return desc ? -d : d;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
})();
