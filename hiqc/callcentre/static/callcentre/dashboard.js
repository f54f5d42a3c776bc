// Call-centre dashboard charts (ECharts served locally; data from the json_script block "cc-data").
document.addEventListener("DOMContentLoaded", function () {
  var source = document.getElementById("cc-data");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var L = data.labels;
  var pct = function (v) { return v === null || v === undefined ? "—" : v.toFixed(1) + "%"; };
  var charts = [];

  function chart(id, option) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var c = window.echarts.init(el);
    c.setOption(option);
    charts.push(c);
  }

  var targetLine = {
    silent: true, symbol: "none",
    lineStyle: { color: "#c0392b", type: "dashed" },
    label: { formatter: L.target + " " + data.target + "%", position: "insideEndTop" },
    data: [{ yAxis: data.target }]
  };

  // Telephony outages (issue 19 §6): shaded over the service level, so a bad interval an outage
  // explains is seen at once.
  var down = data.downtime || { intervals: [], days: [] };
  function outages(list) {
    return {
      silent: false,
      itemStyle: { color: "rgba(192, 57, 43, 0.15)" },
      label: { show: true, position: "insideTop", color: "#c0392b", formatter: L.downtime },
      data: list.map(function (d) { return [{ xAxis: d.from, name: d.label }, { xAxis: d.to }]; })
    };
  }

  chart("cc-intervals", {
    tooltip: { trigger: "axis", valueFormatter: function (v) { return typeof v === "number" && v % 1 !== 0 ? pct(v) : v; } },
    legend: { top: 0, data: [L.service_level, L.abandon_rate, L.offered] },
    grid: { left: 50, right: 50, top: 50, bottom: 30 },
    xAxis: { type: "category", data: data.intervals.map(function (i) { return i.start; }) },
    yAxis: [
      { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      { type: "value", name: L.offered, splitLine: { show: false } }
    ],
    series: [
      { name: L.service_level, type: "line", data: data.intervals.map(function (i) { return i.service_level; }), markLine: targetLine, markArea: outages(down.intervals), connectNulls: true },
      { name: L.abandon_rate, type: "line", connectNulls: true, data: data.intervals.map(function (i) { return i.abandon_rate; }) },
      { name: L.offered, type: "bar", yAxisIndex: 1, itemStyle: { opacity: 0.25 }, data: data.intervals.map(function (i) { return i.offered; }) }
    ]
  });

  chart("cc-trend", {
    tooltip: { trigger: "axis", valueFormatter: pct },
    grid: { left: 50, right: 20, top: 30, bottom: 30 },
    xAxis: { type: "category", data: data.trend.map(function (t) { return t.day; }) },
    yAxis: { type: "value", min: function (v) { return Math.max(0, Math.floor(v.min / 10) * 10); }, max: 100, axisLabel: { formatter: "{value}%" } },
    series: [{ name: L.service_level, type: "line", data: data.trend.map(function (t) { return t.value; }), markLine: targetLine, markArea: outages(down.days) }]
  });

  chart("cc-forecast", {
    tooltip: { trigger: "axis" },
    legend: { top: 0, data: [L.forecast, L.agents] },
    grid: { left: 50, right: 50, top: 50, bottom: 30 },
    xAxis: { type: "category", data: data.forecast.map(function (f) { return f.start; }) },
    yAxis: [{ type: "value", name: L.forecast }, { type: "value", name: L.agents, splitLine: { show: false } }],
    series: [
      { name: L.forecast, type: "bar", itemStyle: { opacity: 0.35 }, data: data.forecast.map(function (f) { return f.calls; }) },
      { name: L.agents, type: "line", step: "middle", yAxisIndex: 1, data: data.forecast.map(function (f) { return f.agents; }) }
    ]
  });

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
});
