// Charts of the printed conformance report and management-review pack (issue 22 §5): leaf clauses
// per status and chapter (stacked bars), and each chapter's conformance rate against the previous
// round. SVG renderer, no animation: Chromium prints the page (hiqc.core.pdf).
(function () {
  var source = document.getElementById("report-data");
  if (!source || !window.echarts) { return; }
  var d = JSON.parse(source.textContent);
  var colours = { conforming: "#1d6b35", partly: "#d39b00", not_conforming: "#b3261e",
                  not_applicable: "#b8c2cf", not_yet_assessable: "#7d8a9c" };
  var font = { fontFamily: "Noto Sans CJK SC, sans-serif" };
  var bars = document.getElementById("status-chart");
  if (bars) {
    window.echarts.init(bars, null, { renderer: "svg" }).setOption({
      animation: false, textStyle: font, legend: { top: 0, textStyle: { fontSize: 9 } },
      grid: { left: 60, right: 16, top: 28, bottom: 20 },
      xAxis: { type: "value", minInterval: 1, axisLabel: { fontSize: 8 } },
      yAxis: { type: "category", inverse: true, data: d.chapters, axisLabel: { fontSize: 9 } },
      series: d.statuses.map(function (s) {
        return { type: "bar", stack: "n", name: s.name, data: s.values, barWidth: 12,
                 itemStyle: { color: colours[s.key] } };
      })
    });
  }
  var trend = document.getElementById("trend-chart");
  if (trend) {
    var series = [{ type: "bar", name: d.labels.now, data: d.rates, itemStyle: { color: "#2f5d8c" },
                    label: { show: true, position: "top", fontSize: 8, formatter: "{c}%" } }];
    if (d.previous) {
      series.unshift({ type: "bar", name: d.labels.before, data: d.previous, itemStyle: { color: "#b8c2cf" } });
    }
    window.echarts.init(trend, null, { renderer: "svg" }).setOption({
      animation: false, textStyle: font, legend: { top: 0, textStyle: { fontSize: 9 } },
      grid: { left: 40, right: 16, top: 28, bottom: 24 },
      xAxis: { type: "category", data: d.chapters, axisLabel: { fontSize: 9 } },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { fontSize: 8, formatter: "{value}%" } },
      series: series
    });
  }
}());
