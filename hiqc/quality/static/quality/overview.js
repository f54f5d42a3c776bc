// Sparklines of the quality overview (ECharts served locally; data from "spark-data").
document.addEventListener("DOMContentLoaded", function () {
  var source = document.getElementById("spark-data");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  document.querySelectorAll(".spark[data-code]").forEach(function (el) {
    var values = data[el.getAttribute("data-code")] || [];
    if (!values.some(function (v) { return v !== null; })) { return; }
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false, grid: { left: 2, right: 2, top: 4, bottom: 2 },
      xAxis: { type: "category", show: false, data: values.map(function (_v, i) { return i; }) },
      yAxis: { type: "value", show: false, scale: true },
      series: [{ type: "line", data: values, symbol: "none", connectNulls: false,
                 lineStyle: { width: 1.5, color: "#2f5d8c" }, areaStyle: { opacity: 0.08 } }]
    });
  });
});
