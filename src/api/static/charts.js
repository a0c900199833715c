// Charts of the inspector's dashboard, drawn from the JSON the page carries (no inline script).
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("figures");
    if (!source || !window.echarts) { return; }
    var f = JSON.parse(source.textContent);
    function chart(id, option) {
      var el = document.getElementById(id);
      if (!el) { return; }
      var c = window.echarts.init(el, null, { renderer: "svg" });
      c.setOption(Object.assign({ animation: false, grid: { left: 50, right: 10, top: 20, bottom: 40 }, tooltip: { trigger: "axis" } }, option));
      window.addEventListener("resize", function () { c.resize(); });
    }
    chart("chart-active", { xAxis: { type: "category", data: f.months }, yAxis: { type: "value" },
      series: [{ name: f.labels.active, type: "line", data: f.active, color: "#b3261e" }] });
    chart("chart-paid", { xAxis: { type: "category", data: f.months }, yAxis: { type: "value" },
      series: [{ name: f.labels.paid, type: "bar", data: f.paid, color: "#7d5260" }] });
    chart("chart-townships", { xAxis: { type: "category", data: f.townships }, yAxis: { type: "value" },
      series: [{ name: f.labels.by_township, type: "bar", data: f.township_active, color: "#b3261e" }] });
    if (f.findings) {
      chart("chart-findings", { xAxis: { type: "category", data: f.findings.rules }, yAxis: { type: "value" },
        series: [{ type: "bar", data: f.findings.counts, color: "#b3261e" }] });
      chart("chart-findings-townships", { xAxis: { type: "category", data: f.findings.townships }, yAxis: { type: "value" },
        series: [{ type: "bar", data: f.findings.township_counts, color: "#7d5260" }] });
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
