// Charts of the printed survey report (read by headless Chromium; data in "report-data").
// SVG renderer and no animation, so the printed page holds the final chart, sharp at any zoom.
(function () {
  var source = document.getElementById("report-data");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var base = { animation: false, textStyle: { fontFamily: "Noto Sans CJK SC, sans-serif" } };
  var units = window.echarts.init(document.getElementById("unit-chart"), null, { renderer: "svg" });
  units.setOption(Object.assign({}, base, {
    grid: { left: 110, right: 40, top: 10, bottom: 30 },
    xAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
    yAxis: { type: "category", data: data.units.names, inverse: true },
    series: [{ type: "bar", data: data.units.values, barMaxWidth: 18,
               label: { show: true, position: "right", formatter: "{c}%" } }]
  }));
  var scores = window.echarts.init(document.getElementById("score-chart"), null, { renderer: "svg" });
  scores.setOption(Object.assign({}, base, {
    grid: { left: 50, right: 20, top: 10, bottom: 30 },
    xAxis: { type: "category", data: data.scores.labels },
    yAxis: { type: "value" },
    series: [{ type: "bar", data: data.scores.values, barMaxWidth: 40, label: { show: true, position: "top" } }]
  }));
}());
