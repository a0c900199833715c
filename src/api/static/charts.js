// The inspector's charts, drawn from the JSON the page carries (no inline script):
// #figures (placements and payments per month, by township) and #findings-figures.
(function () {
  "use strict";
  function data(id) {
    var source = document.getElementById(id);
    return source ? JSON.parse(source.textContent) : null;
  }
  function chart(id, option) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var c = window.echarts.init(el, null, { renderer: "svg" });
    c.setOption(Object.assign({ animation: false, grid: { left: 50, right: 10, top: 20, bottom: 40 },
      tooltip: { trigger: "axis" } }, option));
    window.addEventListener("resize", function () { c.resize(); });
  }
  function bars(id, labels, values, color) {
    chart(id, { xAxis: { type: "category", data: labels, axisLabel: { interval: 0, rotate: labels.length > 6 ? 30 : 0 } },
      yAxis: { type: "value", minInterval: 1 }, series: [{ type: "bar", data: values, color: color }] });
  }
  function draw() {
    if (!window.echarts) { return; }
    var f = data("figures");
    if (f) {
      chart("chart-active", { xAxis: { type: "category", data: f.months }, yAxis: { type: "value" },
        series: [{ name: f.labels.active, type: "line", data: f.active, color: "#b3261e" }] });
      chart("chart-paid", { xAxis: { type: "category", data: f.months }, yAxis: { type: "value" },
        series: [{ name: f.labels.paid, type: "bar", data: f.paid, color: "#7d5260" }] });
      bars("chart-townships", f.townships, f.township_active, "#b3261e");
    }
    var g = data("findings-figures");
    if (g) {
      bars("chart-findings", g.rules, g.counts, "#b3261e");
      bars("chart-findings-townships", g.townships, g.township_counts, "#7d5260");
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
