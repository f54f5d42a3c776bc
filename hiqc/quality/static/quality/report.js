// Trend chart of the printed monthly quality report: one small line per key indicator with data,
// each on its own scale (shares in %), SVG renderer and no animation for printing.
(function () {
  var source = document.getElementById("report-data");
  var el = document.getElementById("trend-chart");
  if (!source || !el || !window.echarts) { return; }
  var d = JSON.parse(source.textContent);
  var n = d.trends.length, cols = 4, rows = Math.ceil(n / cols);
  var grids = [], xs = [], ys = [], series = [], titles = [];
  d.trends.forEach(function (t, i) {
    var c = i % cols, r = Math.floor(i / cols);
    var left = (c * 25 + 3) + "%", top = (r * (100 / rows) + 10) + "%";
    var pct = t.unit === "ratio";
    grids.push({ left: left, top: top, width: "19%", height: (100 / rows - 22) + "%" });
    xs.push({ type: "category", gridIndex: i, data: d.months, axisLabel: { show: false }, axisTick: { show: false } });
    ys.push({ type: "value", gridIndex: i, scale: true, axisLabel: { fontSize: 8, formatter: function (v) { return pct ? (100 * v).toFixed(1) + "%" : v; } } });
    titles.push({ text: t.name, left: left, top: (r * (100 / rows) + 2) + "%", textStyle: { fontSize: 9, fontWeight: "normal" } });
    series.push({ type: "line", xAxisIndex: i, yAxisIndex: i, data: t.values, symbol: "none", lineStyle: { width: 1.5, color: "#2f5d8c" },
                  markLine: t.target === null ? undefined : { symbol: "none", silent: true, label: { show: false },
                  lineStyle: { color: "#1d6b35", type: "dotted" }, data: [{ yAxis: t.target }] } });
  });
  var chart = window.echarts.init(el, null, { renderer: "svg" });
  chart.setOption({ animation: false, textStyle: { fontFamily: "Noto Sans CJK SC, sans-serif" },
                    title: titles, grid: grids, xAxis: xs, yAxis: ys, series: series });
}());
