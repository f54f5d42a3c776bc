// Control chart (p or XmR) with its limits, the target and the flagged points, and the funnel
// plot of the units below (ECharts served locally; data from "indicator-data").
document.addEventListener("DOMContentLoaded", function () {
  var source = document.getElementById("indicator-data");
  if (!source || !window.echarts) { return; }
  var d = JSON.parse(source.textContent);
  var pct = d.unit === "ratio";
  var fmt = function (v) { return v === null || v === undefined ? "—" : (pct ? (100 * v).toFixed(1) + "%" : v.toFixed(2)); };
  var el = document.getElementById("control-chart");
  if (el) {
    var chart = window.echarts.init(el);
    var signal = d.values.map(function (v, i) { return d.signals[i] ? v : null; });
    chart.setOption({
      tooltip: { trigger: "axis", valueFormatter: fmt },
      legend: { bottom: 0 },
      grid: { left: 60, right: 20, top: 20, bottom: 50 },
      xAxis: { type: "category", data: d.labels },
      yAxis: { type: "value", scale: true, axisLabel: { formatter: fmt } },
      series: [
        { name: d.names.value, type: "line", data: d.values, symbolSize: 6, lineStyle: { color: "#2f5d8c" }, itemStyle: { color: "#2f5d8c" } },
        { name: d.names.centre, type: "line", data: d.centre, symbol: "none", itemStyle: { color: "#555" }, lineStyle: { color: "#555", type: "solid", width: 1 } },
        { name: d.names.limits, type: "line", data: d.upper, symbol: "none", step: d.kind === "p" ? "middle" : false, itemStyle: { color: "#b3261e" }, lineStyle: { color: "#b3261e", type: "dashed", width: 1 } },
        { name: d.names.limits, type: "line", data: d.lower, symbol: "none", step: d.kind === "p" ? "middle" : false, itemStyle: { color: "#b3261e" }, lineStyle: { color: "#b3261e", type: "dashed", width: 1 } },
        { name: d.names.target, type: "line", data: d.target, symbol: "none", itemStyle: { color: "#1d6b35" }, lineStyle: { color: "#1d6b35", type: "dotted", width: 2 } },
        { name: d.names.signal, type: "scatter", data: signal, symbolSize: 14, itemStyle: { color: "#b3261e" } }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  var fl = document.getElementById("funnel-chart");
  if (fl && d.funnel) {
    var f = d.funnel;
    var line = function (k, i) { return f.xs.map(function (x, j) { return [x, f.lines[k][j][i]]; }); };
    var funnel = window.echarts.init(fl);
    funnel.setOption({
      tooltip: { formatter: function (p) { return p.seriesName === d.names.unit ? p.data.name + "：" + fmt(p.data.value[1]) + "（n=" + p.data.value[0] + "）" : ""; } },
      legend: { bottom: 0 },
      grid: { left: 60, right: 20, top: 20, bottom: 50 },
      xAxis: { type: "value", name: "n" },
      yAxis: { type: "value", scale: true, axisLabel: { formatter: fmt } },
      series: [
        { name: d.names.unit, type: "scatter", symbolSize: 10, itemStyle: { color: "#2f5d8c" }, data: f.points.map(function (p) { return { name: p.name, value: [p.x, p.y] }; }),
          label: { show: true, position: "right", formatter: function (p) { return p.data.name; }, fontSize: 11 } },
        { name: d.names.overall, type: "line", symbol: "none", data: [[0, f.p0], [f.xs[f.xs.length - 1], f.p0]], itemStyle: { color: "#555" }, lineStyle: { color: "#555" } },
        { name: "95%", type: "line", symbol: "none", data: line("95", 0), itemStyle: { color: "#c98a00" }, lineStyle: { color: "#c98a00", type: "dashed" } },
        { name: "95%", type: "line", symbol: "none", data: line("95", 1), itemStyle: { color: "#c98a00" }, lineStyle: { color: "#c98a00", type: "dashed" } },
        { name: "99.8%", type: "line", symbol: "none", data: line("99.8", 0), itemStyle: { color: "#b3261e" }, lineStyle: { color: "#b3261e", type: "dashed" } },
        { name: "99.8%", type: "line", symbol: "none", data: line("99.8", 1), itemStyle: { color: "#b3261e" }, lineStyle: { color: "#b3261e", type: "dashed" } }
      ]
    });
    window.addEventListener("resize", function () { funnel.resize(); });
  }
});
