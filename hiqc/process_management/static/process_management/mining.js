// The discovered process as a directed graph (ECharts served locally; data from
// "process-graph-data"): edge width by frequency; the toggle labels edges by frequency or by
// median duration. The tables below the graph hold the same numbers with their drill-downs.
document.addEventListener("DOMContentLoaded", function () {
  var source = document.getElementById("process-graph-data");
  var el = document.getElementById("process-graph");
  if (!source || !el || !window.echarts) { return; }
  var d = JSON.parse(source.textContent);
  var chart = window.echarts.init(el);
  var maxFreq = Math.max.apply(null, d.edges.map(function (e) { return e.frequency; }).concat([1]));
  function option(mode) {
    return {
      tooltip: {
        formatter: function (p) {
          if (p.dataType === "edge") {
            var e = p.data.raw;
            return p.data.sourceLabel + " → " + p.data.targetLabel + "<br>" + d.names.frequency + "：" + e.frequency + "<br>" + d.names.cases + "：" + e.cases + "<br>" + d.names.performance + "：" + e.median_text;
          }
          return p.data.name + "：" + p.data.frequency;
        }
      },
      series: [{
        type: "graph", layout: "none", roam: true, edgeSymbol: ["none", "arrow"], edgeSymbolSize: 8,
        label: { show: true, position: "bottom", fontSize: 12, color: "#1b2733" },
        edgeLabel: { show: true, fontSize: 11, formatter: function (p) { return mode === "frequency" ? String(p.data.raw.frequency) : p.data.raw.median_text; } },
        data: d.nodes.map(function (n) { return { id: n.id, name: n.label, x: n.x, y: n.y, frequency: n.frequency, symbolSize: 20, itemStyle: { color: "#2f5d8c" } }; }),
        links: d.edges.map(function (e) {
          var src = d.nodes.find(function (n) { return n.id === e.source; });
          var tgt = d.nodes.find(function (n) { return n.id === e.target; });
          return { source: e.source, target: e.target, raw: e, sourceLabel: src ? src.label : e.source, targetLabel: tgt ? tgt.label : e.target,
                   lineStyle: { width: 1 + 6 * e.frequency / maxFreq, curveness: e.source === e.target ? 0.6 : 0.2, color: mode === "frequency" ? "#555" : "#b3261e" } };
        })
      }]
    };
  }
  chart.setOption(option("frequency"));
  var buttons = { frequency: document.getElementById("show-frequency"), performance: document.getElementById("show-performance") };
  Object.keys(buttons).forEach(function (mode) {
    buttons[mode].addEventListener("click", function () {
      chart.setOption(option(mode), true);
      Object.keys(buttons).forEach(function (m) { buttons[m].setAttribute("aria-pressed", m === mode ? "true" : "false"); buttons[m].classList.toggle("primary", m === mode); });
    });
  });
  window.addEventListener("resize", function () { chart.resize(); });
});
