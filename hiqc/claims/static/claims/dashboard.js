// Claims timeliness dashboard (ECharts served locally; data from the json_script block
// "timeliness-data"): the median working time of each step, one bar per branch, so a branch
// that is slow at one step stands out.
document.addEventListener("DOMContentLoaded", function () {
  var source = document.getElementById("timeliness-data");
  var el = document.getElementById("steps-chart");
  if (!source || !el || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var chart = window.echarts.init(el);
  chart.setOption({
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" },
               valueFormatter: function (v) { return v === null || v === undefined ? "—" : v.toFixed(1); } },
    legend: { type: "scroll", bottom: 0 },
    grid: { left: 50, right: 20, top: 36, bottom: 60 },
    xAxis: { type: "category", data: data.steps },
    yAxis: { type: "value", name: data.labels.working },
    series: data.branches.map(function (name, i) {
      return { name: name, type: "bar", data: data.working[i], emphasis: { focus: "series" } };
    })
  });
  window.addEventListener("resize", function () { chart.resize(); });
});
