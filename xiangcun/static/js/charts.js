// The platform's one chart module (a plain script after static/vendor/echarts/echarts.min.js; templates include
// includes/charts.html, which loads both). Desk pages draw their bar, line and pie charts with it:
//
//   xiangcunCharts.bar("chart-id", {labels, values, horizontal, color, showValues});
//   xiangcunCharts.line("chart-id", {labels, values});
//   xiangcunCharts.pie("chart-id", {labels, values});
//   xiangcunCharts.mixed("chart-id", {labels, series: [{name, type: "bar" | "line", values, color, dashed}]});
//
// Each takes the container (an element or its id) and returns the ECharts instance, or null when the container is
// missing or ECharts did not load (the page's tables still show the figures). Defaults: Chinese fonts first,
// numbers with thousands separators, whole counts on value axes, labels kept inside the box, ECharts' own
// accessible description (in Chinese), larger text in 长辈版 (body.elder-mode), and one resize handler for all.
// The big screen (static/dashboard/screen.js) styles its own charts for a dark wall.
(function () {
  "use strict";
  if (window.xiangcunCharts) return; // included twice on one page: keep the first

  const FONT = '"PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", "Noto Sans CJK SC", sans-serif';
  const RED = "#d63939";
  const drawn = new Set();

  const elder = () => document.body.classList.contains("elder-mode");
  const textSize = () => (elder() ? 16 : 12);
  const number = (value) => (value === null || value === undefined || value === "" ? "—"
    : Number(value).toLocaleString("zh-CN"));
  const text = () => ({ fontSize: textSize(), fontFamily: FONT });

  // Draws option (merged over the defaults) in the container; the chart follows the window's size.
  function draw(container, option) {
    const element = typeof container === "string" ? document.getElementById(container) : container;
    if (!element || !window.echarts) return null;
    const chart = window.echarts.init(element);
    chart.setOption(Object.assign({ aria: { enabled: true }, textStyle: text(), legend: { show: false } }, option,
      { tooltip: Object.assign({ textStyle: text(), valueFormatter: number }, option.tooltip) }));
    drawn.add(chart);
    element.xiangcunChart = chart; // for the browser tests
    return chart;
  }

  function axes(labels, horizontal) {
    const category = { type: "category", data: labels, axisLabel: text() };
    const value = { type: "value", minInterval: 1, axisLabel: Object.assign(text(), { formatter: number }) };
    if (horizontal) return { xAxis: value, yAxis: Object.assign(category, { inverse: true }) };
    // Many names (states, days) do not fit side by side; short ones (months 1–12) do.
    if (labels.length > 6 && labels.some((label) => String(label).length > 2)) category.axisLabel.rotate = 45;
    return { xAxis: category, yAxis: value };
  }

  const grid = (extra) => Object.assign({ left: 8, right: 16, top: 12, bottom: 8, containLabel: true }, extra);

  function series({ name = "", type = "bar", values, color = null, dashed = false, showValues = false, horizontal }) {
    const entry = { name, type, data: values };
    if (color) entry.itemStyle = { color };
    if (dashed) entry.lineStyle = Object.assign({ type: "dashed" }, color ? { color } : {});
    if (type === "line") entry.connectNulls = true;
    if (showValues) entry.label = Object.assign(text(), { show: true, position: horizontal ? "right" : "top", formatter: (p) => number(p.value) });
    return entry;
  }

  // One series of counts by label; horizontal for long lists of names (villages, provinces).
  function bar(container, { labels, values, horizontal = false, color = null, showValues = false, type = "bar" }) {
    // Horizontal: the value axis's last label is centred on the right edge and needs room.
    return draw(container, Object.assign({ tooltip: { trigger: "axis" }, grid: grid(horizontal ? { right: 32 } : {}) },
      axes(labels, horizontal),
      { series: [series({ type, values, color, showValues, horizontal })] }));
  }

  const line = (container, options) => bar(container, Object.assign({}, options, { type: "line", horizontal: false }));

  // Shares of a whole, as a ring.
  function pie(container, { labels, values }) {
    return draw(container, {
      tooltip: { trigger: "item" },
      series: [{ type: "pie", radius: ["35%", "65%"], label: text(),
        data: labels.map((name, i) => ({ name, value: values[i] })) }],
    });
  }

  // Several series (bars and lines) over the same labels, with a legend.
  function mixed(container, { labels, series: list }) {
    return draw(container, Object.assign({ tooltip: { trigger: "axis" }, legend: { show: true, top: 0, textStyle: text() },
      grid: grid({ top: elder() ? 48 : 40 }) }, axes(labels, false), { series: list.map(series) }));
  }

  window.addEventListener("resize", () => drawn.forEach((chart) => (chart.isDisposed() ? drawn.delete(chart) : chart.resize())));
  window.xiangcunCharts = { bar, line, pie, mixed, draw, number, RED };
})();
