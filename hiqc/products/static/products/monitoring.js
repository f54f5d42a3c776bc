// Product monitoring (issue 17 §5): the trend of the chosen figure against its target and its
// control chart (p or XmR) with the limits and the flagged points; ECharts served locally, data
// from "monitoring-data". The same drawing as the indicator page's control chart.
document.addEventListener("DOMContentLoaded", function () {
  var source = document.getElementById("monitoring-data");
  if (!source || !window.echarts) { return; }
  var d = JSON.parse(source.textContent);
  var pct = d.unit === "ratio";
  var fmt = function (v) { return v === null || v === undefined ? "—" : (pct ? v.toFixed(1) + "%" : v.toFixed(1)); };
  var base = function (labels) {
    return {
      tooltip: { trigger: "axis", valueFormatter: fmt },
      legend: { bottom: 0 },
      grid: { left: 60, right: 20, top: 20, bottom: 50 },
      xAxis: { type: "category", data: labels },
      yAxis: { type: "value", scale: true, axisLabel: { formatter: fmt } }
    };
  };
  var target = function (labels) { return labels.map(function () { return d.target_value; }); };
  var tr = document.getElementById("trend-chart");
  if (tr) {
    var trend = window.echarts.init(tr);
    var o = base(d.trend_labels);
    o.series = [
      { name: d.names.value, type: "line", data: d.trend_values, symbolSize: 6, connectNulls: false, lineStyle: { color: "#2f5d8c" }, itemStyle: { color: "#2f5d8c" } },
      { name: d.names.target, type: "line", data: target(d.trend_labels), symbol: "none", itemStyle: { color: "#1d6b35" }, lineStyle: { color: "#1d6b35", type: "dotted", width: 2 } }
    ];
    trend.setOption(o);
    window.addEventListener("resize", function () { trend.resize(); });
  }
  var el = document.getElementById("control-chart");
  if (el && d.kind) {
    var chart = window.echarts.init(el);
    var signal = d.values.map(function (v, i) { return d.signals[i] ? v : null; });
    var c = base(d.labels);
    c.series = [
      { name: d.names.value, type: "line", data: d.values, symbolSize: 6, lineStyle: { color: "#2f5d8c" }, itemStyle: { color: "#2f5d8c" } },
      { name: d.names.centre, type: "line", data: d.centre, symbol: "none", itemStyle: { color: "#555" }, lineStyle: { color: "#555", width: 1 } },
      { name: d.names.limits, type: "line", data: d.upper, symbol: "none", step: d.kind === "p" ? "middle" : false, itemStyle: { color: "#b3261e" }, lineStyle: { color: "#b3261e", type: "dashed", width: 1 } },
      { name: d.names.limits, type: "line", data: d.lower, symbol: "none", step: d.kind === "p" ? "middle" : false, itemStyle: { color: "#b3261e" }, lineStyle: { color: "#b3261e", type: "dashed", width: 1 } },
      { name: d.names.target, type: "line", data: target(d.labels), symbol: "none", itemStyle: { color: "#1d6b35" }, lineStyle: { color: "#1d6b35", type: "dotted", width: 2 } },
      { name: d.names.signal, type: "scatter", data: signal, symbolSize: 14, itemStyle: { color: "#b3261e" } }
    ];
    chart.setOption(c);
    window.addEventListener("resize", function () { chart.resize(); });
  }
});
