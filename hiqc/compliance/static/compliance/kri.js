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
      title: { text: k.name, left: "center", textStyle: { fontSize: 13 } },
      tooltip: { trigger: "axis" },
      grid: { left: 60, right: 80, top: 30, bottom: 30 },
      xAxis: { type: "category", data: k.periods },
      yAxis: { type: "value", scale: true },
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
