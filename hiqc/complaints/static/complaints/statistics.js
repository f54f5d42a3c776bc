// Complaint statistics charts (ECharts served locally; data from the json_script block "stats-data").
document.addEventListener("DOMContentLoaded", function () {
  var source = document.getElementById("stats-data");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var charts = [];

  function chart(id, option) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var c = window.echarts.init(el);
    c.setOption(option);
    charts.push(c);
  }

  data.rates.forEach(function (rate, i) {
    chart("rate-" + rate.key, {
      title: { text: rate.label, left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null ? "—" : v.toFixed(2); } },
      // every unit named: more than three are turned and cut to a width, the tooltip has the full name
      grid: { left: 45, right: 20, top: 40, bottom: 10, containLabel: true },
      xAxis: {
        type: "category", data: data.units,
        axisLabel: { interval: 0, rotate: data.units.length > 3 ? 45 : 0, width: 96, overflow: "truncate" }
      },
      yAxis: { type: "value" },
      series: [{
        type: "bar",
        data: rate.values.map(function (v) {
          return { value: v, itemStyle: { color: rate.median !== null && v !== null && Math.round(v * 100) / 100 > rate.median ? "#c62828" : "#0b5cab" } };
        }),
        markLine: rate.median === null ? undefined : {
          silent: true, symbol: "none",
          lineStyle: { color: "#945a00", type: "dashed" },
          label: { formatter: data.median_label + " " + rate.median, position: "insideEndTop" },
          data: [{ yAxis: rate.median }]
        }
      }]
    });
  });

  ["dispute", "product"].forEach(function (key) {
    chart("mix-" + key, {
      tooltip: { trigger: "item" },
      legend: { bottom: 0, type: "scroll" },
      series: [{ type: "pie", radius: ["30%", "58%"], center: ["50%", "45%"], data: data[key].filter(function (d) { return d.value > 0; }),
                 label: { formatter: "{b} {d}%" } }]
    });
  });

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
});
