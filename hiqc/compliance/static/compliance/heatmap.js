// The risk heat maps (inherent and residual): a 5×5 ECharts heatmap per grid; clicking a cell
// drills down to its risks (?cell=which-L-I), as the table under each chart does without script.
document.addEventListener("DOMContentLoaded", function () {
  var source = document.getElementById("heat-data");
  if (!source || !window.echarts) { return; }
  var d = JSON.parse(source.textContent);
  var band = function (r) { return r >= d.bands.extreme ? 3 : r >= d.bands.high ? 2 : r >= d.bands.medium ? 1 : 0; };
  ["inherent", "residual"].forEach(function (which) {
    var el = document.getElementById("heat-chart-" + which);
    if (!el) { return; }
    var counts = {};
    d[which].forEach(function (c) { counts[c.impact + "-" + c.likelihood] = c.count; });
    var data = [];
    for (var i = 1; i <= 5; i++) {
      for (var l = 1; l <= 5; l++) {
        data.push([i - 1, l - 1, band(i * l), counts[i + "-" + l] || 0]);
      }
    }
    var chart = window.echarts.init(el);
    chart.setOption({
      title: { text: d.names[which], left: "center", textStyle: { fontSize: 13 } },
      tooltip: { formatter: function (p) { return d.likelihood[p.data[1]] + " × " + d.impact[p.data[0]] + "：" + p.data[3]; } },
      grid: { left: 80, right: 10, top: 30, bottom: 40 },
      xAxis: { type: "category", data: d.impact, splitArea: { show: true } },
      yAxis: { type: "category", data: d.likelihood, splitArea: { show: true } },
      visualMap: { show: false, min: 0, max: 3, dimension: 2, inRange: { color: ["#dcefdc", "#fbf0c4", "#f6d2a8", "#f2b8b5"] } },
      series: [{ type: "heatmap", data: data, label: { show: true, formatter: function (p) { return p.data[3] || ""; } } }]
    });
    chart.on("click", function (p) {
      if (p.data && p.data[3]) {
        window.location.search = "?cell=" + which + "-" + (p.data[1] + 1) + "-" + (p.data[0] + 1);
      }
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
});
