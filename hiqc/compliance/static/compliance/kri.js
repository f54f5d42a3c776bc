// A risk's key risk indicators: each KRI's last twelve completed months as a line, with its
// warning value and limit as horizontal lines (the table above lists the same figures).
document.addEventListener("DOMContentLoaded", function () {
  var source = document.getElementById("kri-data");
  if (!source || !window.echarts) { return; }
  JSON.parse(source.textContent).forEach(function (k) {
    var el = document.getElementById(k.el);
    if (!el) { return; }
    var chart = window.echarts.init(el);
    chart.setOption({
      title: { text: k.name, left: 0, top: 0, textStyle: { fontSize: 13 } },
      tooltip: { trigger: "axis" },
      grid: { left: 60, right: 90, top: 40, bottom: 30 },
      xAxis: { type: "category", data: k.periods },
      // the axis spans the series and both thresholds, so the warning and limit lines always show
      yAxis: {
        type: "value", scale: true,
        min: function (v) { var lo = Math.min(v.min, k.warning, k.limit); return lo - (v.max - lo) * 0.1; },
        max: function (v) { var hi = Math.max(v.max, k.warning, k.limit); return hi + (hi - v.min) * 0.1; }
      },
      series: [{
        type: "line", data: k.values, name: k.name, symbolSize: 6,
        markLine: {
          symbol: "none",
          data: [
            { yAxis: k.warning, name: k.labels.warning, lineStyle: { color: "#d48806", type: "dashed" }, label: { formatter: k.labels.warning + " {c}" } },
            { yAxis: k.limit, name: k.labels.limit, lineStyle: { color: "#cf1322" }, label: { formatter: k.labels.limit + " {c}" } }
          ]
        }
      }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
});
