// 数字大屏: charts (ECharts), the centre map (MapLibre, no tiles, no glyph server), a live feed (Server-Sent Events)
// and the figures, all drawn from the overview the page embeds; refetched every minute and on `event: refresh`.
// Suppressed counts (null) show as "<5", never as 0. The stage is a fixed 1920×1080 box scaled to the window.
// The panels are declared by the apps (core.figures); each chart is drawn by its kind (`kinds` below).
(function () {
  "use strict";
  const STAGE_W = 1920, STAGE_H = 1080;
  const REFRESH_MS = 60_000, FEED_LENGTH = 12, RETRY_MS = 5_000;
  const CYAN = "#00e5ff", TEXT = "#cfe8ff", MUTED = "#7fb6d9", GRID_LINE = "rgba(0,229,255,.12)";
  const PALETTE = ["#00e5ff", "#2b8cff", "#2bff88", "#ffd166", "#ff8c42", "#ff5b8a", "#b388ff", "#5ce1e6", "#9be15d"];
  const read = (id) => JSON.parse(document.getElementById(id).textContent);

  const stage = document.getElementById("screen-stage");
  const urls = read("screen-urls");
  const text = read("screen-text");
  let overview = read("screen-overview");
  const mapData = read("screen-map-data");
  const charts = read("screen-charts");
  const seen = new Set();
  const screen = { overview: () => overview, charts: {}, map: null, events: null, drawMap };
  window.xiangcunScreen = screen;

  // --- the stage scaled to the window, letterboxed; on a phone not scaled but reflowed (screen.css) ----------
  const PHONE = window.matchMedia("(max-width: 960px)");
  function fit() {
    if (PHONE.matches) {
      stage.style.transform = "";
      return;
    }
    const w = window.innerWidth, h = window.innerHeight;
    const s = Math.min(w / STAGE_W, h / STAGE_H);
    stage.style.transform = `translate(${(w - STAGE_W * s) / 2}px, ${(h - STAGE_H * s) / 2}px) scale(${s})`;
  }
  fit();
  window.addEventListener("resize", fit);

  // --- clock ------------------------------------------------------------------------------------------------
  const clock = document.getElementById("screen-clock");
  const clockFormat = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    year: "numeric", month: "2-digit", day: "2-digit", weekday: "short",
    hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false,
  });
  function tick() {
    const now = new Date();
    clock.textContent = clockFormat.format(now);
    clock.dateTime = now.toISOString();
  }
  tick();
  setInterval(tick, 1000);

  // --- figures ----------------------------------------------------------------------------------------------
  const fmt = (value) => (value === null || value === undefined ? text.suppressed : Number(value).toLocaleString());
  const pct = (value) => (value === null || value === undefined ? text.noData : `${Math.round(value * 100)}%`);
  const pick = (path) => path.split(".").reduce((o, key) => (o == null ? o : o[key]), overview);

  function drawFigures() {
    stage.querySelectorAll("[data-figure]").forEach((el) => {
      const value = pick(el.dataset.figure);
      el.textContent = "text" in el.dataset ? (value ?? "") : fmt(value); // data-text: a year, a period, not a count
    });
  }

  function bump(path, by) {
    const [block, key] = path.split(".");
    if (!overview[block]) return; // a block the reader may not see
    overview[block][key] = (overview[block][key] || 0) + by;
    stage.querySelectorAll(`[data-figure="${path}"]`).forEach((el) => {
      el.textContent = fmt(overview[block][key]);
      el.classList.remove("bumped");
      void el.offsetWidth; // restart the animation
      el.classList.add("bumped");
    });
  }

  // --- charts -----------------------------------------------------------------------------------------------
  // A suppressed cell is drawn as an empty bar labelled "<5" (value 0 only for the drawing, never displayed).
  const cell = (count) => (count === null ? { value: 0, suppressed: true } : { value: count });
  const cellLabel = (p) => (p.data && p.data.suppressed ? text.suppressed : Number(Math.abs(p.value)).toLocaleString());
  const axisLabel = { color: MUTED, fontSize: 14 };
  const tooltip = {
    trigger: "item", backgroundColor: "rgba(3,11,28,.92)", borderColor: CYAN, textStyle: { color: TEXT },
    formatter: (p) => `${p.seriesName ? p.seriesName + "<br>" : ""}${p.name}: ${cellLabel(p)}`,
  };
  const noData = (items) => (items.length ? undefined
    : { text: text.noData, left: "center", top: "middle", textStyle: { color: MUTED, fontSize: 16, fontWeight: 400 } });

  function bars(items, { horizontal = false, color = CYAN, name = "", markLine, rotate = 0, fontSize = 13 } = {}) {
    const categories = { type: "category", data: items.map((i) => i.label), axisLabel: { ...axisLabel, fontSize, interval: 0,
      rotate, width: horizontal ? 130 : 90, overflow: "truncate" }, axisLine: { lineStyle: { color: GRID_LINE } }, axisTick: { show: false } };
    const values = { type: "value", axisLabel: { ...axisLabel, fontSize: 12, hideOverlap: true }, splitNumber: 4,
      splitLine: { lineStyle: { color: GRID_LINE } } };
    return {
      title: noData(items), tooltip,
      grid: { left: 8, right: horizontal ? 48 : 12, top: 26, bottom: 4, containLabel: true },
      xAxis: horizontal ? values : categories, yAxis: horizontal ? { ...categories, inverse: true } : values,
      series: [{ type: "bar", name, data: items.map((i) => cell(i.count)), barMaxWidth: 26,
        itemStyle: { color: new echarts.graphic.LinearGradient(0, 0, horizontal ? 1 : 0, horizontal ? 0 : 1,
          horizontal ? [{ offset: 0, color: "rgba(0,229,255,.25)" }, { offset: 1, color }]
            : [{ offset: 0, color }, { offset: 1, color: "rgba(0,229,255,.15)" }]) },
        label: { show: true, position: horizontal ? "right" : "top", color: TEXT, fontSize, formatter: cellLabel },
        markLine }],
    };
  }

  function gauge(value, title, color, empty) {
    return {
      series: [{ type: "gauge", min: 0, max: 100, radius: "92%", center: ["50%", "58%"], startAngle: 210, endAngle: -30,
        progress: { show: true, width: 14, itemStyle: { color } }, axisLine: { lineStyle: { width: 14, color: [[1, "rgba(0,229,255,.12)"]] } },
        axisTick: { show: false }, splitLine: { show: false }, axisLabel: { show: false }, pointer: { show: false },
        title: { offsetCenter: [0, "62%"], color: MUTED, fontSize: 16 },
        detail: { offsetCenter: [0, "5%"], color: "#e8fbff", fontSize: 34, fontWeight: 700, formatter: () => (value === null ? empty || text.noData : pct(value)) },
        data: [{ value: value === null ? 0 : Math.round(value * 1000) / 10, name: title }] }],
    };
  }

  // Where the monitoring line falls among the income bands ("lt5000", "5000-10000", "ge30000"): a fractional
  // category index, so the mark stands inside its band.
  function linePosition(bands, line) {
    for (let i = 0; i < bands.length; i++) {
      const key = String(bands[i].key);
      let lo = 0, hi = Infinity, m;
      if ((m = key.match(/^lt(\d+)$/))) hi = +m[1];
      else if ((m = key.match(/^ge(\d+)$/))) lo = +m[1];
      else if ((m = key.match(/^(\d+)-(\d+)$/))) { lo = +m[1]; hi = +m[2]; }
      else continue;
      if (line >= lo && line < hi) return Number.isFinite(hi) && hi > lo ? i - 0.5 + (line - lo) / (hi - lo) : i;
    }
    return null;
  }

  // One drawing per chart kind (core.figures CHART_KINDS): data is the figure at the chart's path, spec its
  // declaration ({key, kind, figure, label, options}). A panel of a new module needs no code here.
  const at = (path) => (path ? pick(path) : null);
  function lineMark(value, position, axis) {
    return { symbol: "none", silent: true, lineStyle: { color: "#ff5b5b", type: "dashed", width: 2 },
      label: { color: "#ff8c8c", fontSize: 13, formatter: `${text.line} ${value}`, position: axis === "x" ? "end" : "insideEndTop" },
      data: [axis === "x" ? { xAxis: position } : { yAxis: position }] };
  }
  const kinds = {
    bars(data, spec, horizontal = false) {
      const o = spec.options, line = at(o.line);
      const bandAt = line === null || line === undefined ? null : linePosition(data, line);
      const crowded = !horizontal && PHONE.matches && data.length > 5; // a phone's width: slanted labels
      return bars(data, { horizontal, name: spec.label, color: o.color || CYAN, rotate: o.rotate || (crowded ? 40 : 0),
        fontSize: o.font || (crowded ? 11 : 13),
        markLine: bandAt === null ? undefined : lineMark(line, bandAt, "x") });
    },
    hbars: (data, spec) => kinds.bars(data, spec, true),
    pie(data, spec) {
      const items = data.filter((i) => i.count !== 0); // a zero slice is invisible, its label clutters
      return {
        title: noData(items), tooltip, color: PALETTE,
        legend: { type: "scroll", bottom: 0, textStyle: { color: TEXT, fontSize: 13 }, itemWidth: 12, itemHeight: 8,
          pageTextStyle: { color: MUTED }, formatter: (name) => {
            const item = items.find((i) => i.label === name);
            return item ? `${name} ${fmt(item.count)}` : name;
          } },
        series: [{ type: "pie", name: spec.label, radius: ["36%", "62%"], center: ["50%", "44%"],
          data: items.map((i) => ({ name: i.label, ...cell(i.count) })), label: { show: false } }],
      };
    },
    pyramid(data) {
      const pyramid = data || { bands: [], male: [], female: [] };
      return {
        tooltip: { ...tooltip, formatter: (p) => `${p.seriesName} ${p.name}: ${cellLabel(p)}` },
        legend: { top: 0, textStyle: { color: MUTED, fontSize: 13 }, itemWidth: 12, itemHeight: 8 },
        grid: { left: 4, right: 4, top: 26, bottom: 4, containLabel: true },
        xAxis: { type: "value", splitNumber: 2, axisLabel: { ...axisLabel, fontSize: 11, hideOverlap: true,
          formatter: (v) => Math.abs(v).toLocaleString() },
          splitLine: { lineStyle: { color: GRID_LINE } } },
        yAxis: { type: "category", data: pyramid.bands, axisLabel: { ...axisLabel, fontSize: 12 }, axisTick: { show: false } },
        series: [
          { type: "bar", name: text.male, stack: "age", color: "#2b8cff",
            data: pyramid.male.map((n) => (n === null ? { value: 0, suppressed: true } : { value: -n })) },
          { type: "bar", name: text.female, stack: "age", color: "#ff5b8a", data: pyramid.female.map(cell) },
        ],
      };
    },
    line(data, spec) {
      const line = at(spec.options.line);
      return {
        title: noData(data), tooltip: { ...tooltip, trigger: "axis", formatter: undefined },
        grid: { left: 4, right: 16, top: 30, bottom: 4, containLabel: true },
        xAxis: { type: "category", data: data.map((t) => t.year), axisLabel, axisLine: { lineStyle: { color: GRID_LINE } } },
        yAxis: { type: "value", name: spec.label, nameTextStyle: { color: MUTED, align: "left" }, axisLabel,
          splitLine: { lineStyle: { color: GRID_LINE } } },
        series: [{ type: "line", name: spec.label, data: data.map((t) => t.mean), smooth: true, color: spec.options.color || CYAN,
          symbolSize: 8, areaStyle: { color: "rgba(0,229,255,.15)" },
          markLine: line === null || line === undefined ? undefined : lineMark(line, line, "y") }],
      };
    },
    gauge: (data, spec) => gauge(data ?? null, spec.label, spec.options.color || CYAN, spec.options.empty),
  };
  const LISTS = ["bars", "hbars", "pie", "line"];

  function drawCharts() {
    charts.forEach((spec) => {
      const el = stage.querySelector(`[data-chart="${spec.key}"]`);
      if (!el || !kinds[spec.kind]) return;
      let data = pick(spec.figure);
      if (LISTS.includes(spec.kind) && !Array.isArray(data)) data = [];
      let chart = screen.charts[spec.key];
      if (!chart) chart = screen.charts[spec.key] = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(kinds[spec.kind](data, spec), { notMerge: true });
    });
    stage.dataset.charts = String(Object.keys(screen.charts).length);
  }

  // --- live feed --------------------------------------------------------------------------------------------
  const feed = document.getElementById("screen-feed");

  function feedItem(item) {
    const li = document.createElement("li");
    li.className = "feed-item";
    li.setAttribute("data-testid", "feed-item");
    li.dataset.id = item.id;
    li.dataset.code = item.code;
    const when = document.createElement("time");
    when.dateTime = item.created_at;
    when.textContent = `${item.created_at.slice(5, 10)} ${item.created_at.slice(11, 16)}`;
    const parts = [when];
    for (const [cls, value] of [["feed-cat", item.category], ["feed-village", item.village], ["feed-who", item.reporter],
      ["feed-state state-" + item.state, item.state_label]]) {
      const span = document.createElement("span");
      span.className = cls;
      span.textContent = value || "";
      parts.push(span);
    }
    li.append(...parts);
    return li;
  }

  function drawFeed() {
    if (!feed || !overview.incidents) return; // the incident panels are not on this reader's screen
    const items = [...overview.incidents.recent];
    feed.querySelectorAll(".feed-item.live").forEach((li) => {
      if (!items.some((i) => String(i.id) === li.dataset.id)) items.push(li.item);
    });
    items.sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : b.id - a.id));
    feed.replaceChildren(...items.slice(0, FEED_LENGTH).map((item) => {
      const old = feed.querySelector(`.feed-item[data-id="${item.id}"]`);
      return old && old.item ? old : feedItem(item);
    }));
    items.forEach((i) => seen.add(String(i.id)));
  }

  function onIncident(item) {
    if (seen.has(String(item.id))) return;
    seen.add(String(item.id));
    if (feed) {
      const li = feedItem(item);
      li.item = item;
      li.classList.add("live", "fresh");
      feed.prepend(li);
      while (feed.children.length > FEED_LENGTH) feed.lastElementChild.remove();
    }
    bump("incidents.today", 1);
    bump("incidents.month", 1);
    bump("incidents.open", 1);
    if (item.lat != null && item.lng != null) pulse(item);
  }

  // --- refresh: every minute, and when the server says the figures changed ------------------------------
  let fetching = null;
  async function refresh() {
    if (fetching) return fetching;
    fetching = (async () => {
      try {
        const response = await fetch(urls.overview, { headers: { Accept: "application/json" }, credentials: "same-origin" });
        if ([401, 403, 404].includes(response.status)) {
          window.location.reload(); // the session ended (12 hours at most) or the scope changed: the login page says
          return;
        }
        if (!response.ok) return;
        overview = await response.json();
        drawFigures();
        drawCharts();
        drawFeed();
        recolour();
      } catch (error) {
        // offline for a moment: the next tick tries again
      } finally {
        fetching = null;
      }
    })();
    return fetching;
  }
  screen.refresh = refresh;
  setInterval(refresh, REFRESH_MS);

  const live = document.getElementById("screen-live");
  function listen() {
    const events = new EventSource(urls.events);
    screen.events = events;
    events.onopen = () => { live.dataset.state = "live"; };
    events.onerror = () => {
      live.dataset.state = "reconnecting";
      if (events.readyState === EventSource.CLOSED) setTimeout(listen, RETRY_MS); // the browser gave up: start again
    };
    events.addEventListener("incident", (event) => {
      try { onIncident(JSON.parse(event.data)); } catch (error) { /* a malformed event is skipped */ }
    });
    events.addEventListener("refresh", () => refresh());
  }

  // --- map --------------------------------------------------------------------------------------------------
  function extent() {
    let minX = 180, minY = 90, maxX = -180, maxY = -90;
    const walk = (c) => {
      if (typeof c[0] === "number") {
        minX = Math.min(minX, c[0]); maxX = Math.max(maxX, c[0]);
        minY = Math.min(minY, c[1]); maxY = Math.max(maxY, c[1]);
      } else c.forEach(walk);
    };
    if (mapData.outline) walk(mapData.outline.coordinates);
    else mapData.parts.features.forEach((f) => walk(f.geometry.coordinates));
    return minX <= maxX ? [[minX, minY], [maxX, maxY]] : null;
  }

  function centreOf(feature) {
    if (feature.properties.centre) return feature.properties.centre;
    let minX = 180, minY = 90, maxX = -180, maxY = -90;
    const walk = (c) => {
      if (typeof c[0] === "number") {
        minX = Math.min(minX, c[0]); maxX = Math.max(maxX, c[0]);
        minY = Math.min(minY, c[1]); maxY = Math.max(maxY, c[1]);
      } else c.forEach(walk);
    };
    walk(feature.geometry.coordinates);
    return [(minX + maxX) / 2, (minY + maxY) / 2];
  }

  const labels = {};
  let maplib = null;

  function colourExpression(max) {
    return ["interpolate", ["linear"], ["get", "value"], 0, "#0e4f8a", Math.max(max, 1), "#ff5b5b"];
  }

  // New figures from a refetch: the parts' values (open incidents of each child region) and their labels.
  function recolour() {
    const map = screen.map;
    if (!map || !map.getSource("parts")) return;
    const figures = Object.fromEntries(overview.region.children.map((c) => [c.code, c.open_incidents]));
    mapData.parts.features.forEach((f) => {
      if (f.properties.kind === "region" && f.properties.code in figures) f.properties.value = figures[f.properties.code] || 0;
      const label = labels[f.properties.code];
      if (label) label.querySelector("em").textContent = fmt(f.properties.value);
    });
    map.getSource("parts").setData(mapData.parts);
    map.setPaintProperty("parts-fill", "fill-color",
      colourExpression(Math.max(0, ...mapData.parts.features.map((f) => f.properties.value || 0))));
  }

  function pulse(item) {
    mapData.points.geometry.coordinates.push([item.lng, item.lat]);
    const map = screen.map;
    if (!map || !maplib) return;
    if (map.getSource("points")) map.getSource("points").setData(mapData.points);
    const el = document.createElement("div");
    el.className = "map-pulse";
    el.setAttribute("data-testid", "map-pulse");
    const marker = new maplib.Marker({ element: el }).setLngLat([item.lng, item.lat]).addTo(map);
    setTimeout(() => marker.remove(), 6000);
  }

  function drawMap(maplibregl) {
    maplib = maplibregl;
    const element = document.getElementById("screen-map");
    const box = extent();
    const capture = stage.dataset.capture === "1";
    const map = new maplibregl.Map({
      locale: { ...JSON.parse(document.getElementById("maplibre-locale")?.textContent || "{}"), ...text.mapGestures },
      // On a phone one finger scrolls the page and two move the map (the map fills most of the first view).
      cooperativeGestures: PHONE.matches,
      container: element,
      attributionControl: false,
      style: { version: 8, sources: {}, layers: [{ id: "bg", type: "background", paint: { "background-color": "#041228" } }] },
      ...(box ? { bounds: box, fitBoundsOptions: { padding: 36 } } : { center: mapData.centre || [104.37, 33.79], zoom: 11 }),
      ...(capture ? { canvasContextAttributes: { preserveDrawingBuffer: true } } : {}),
    });
    screen.map = map;
    map.on("load", () => {
      const max = Math.max(0, ...mapData.parts.features.map((f) => f.properties.value || 0));
      map.addSource("parts", { type: "geojson", data: mapData.parts });
      map.addSource("points", { type: "geojson", data: mapData.points });
      map.addLayer({ id: "parts-fill", type: "fill", source: "parts",
        paint: { "fill-color": colourExpression(max), "fill-opacity": 0.55 } });
      map.addLayer({ id: "parts-line", type: "line", source: "parts", paint: { "line-color": CYAN, "line-width": 1.2, "line-opacity": 0.8 } });
      if (mapData.outline) {
        map.addSource("outline", { type: "geojson", data: { type: "Feature", properties: {}, geometry: mapData.outline } });
        map.addLayer({ id: "outline-glow", type: "line", source: "outline", paint: { "line-color": CYAN, "line-width": 8, "line-opacity": 0.25, "line-blur": 4 } });
        map.addLayer({ id: "outline-line", type: "line", source: "outline", paint: { "line-color": "#8ff3ff", "line-width": 2.5 } });
      }
      map.addLayer({ id: "points", type: "circle", source: "points",
        paint: { "circle-radius": 3.5, "circle-color": "#ffe066", "circle-opacity": 0.85, "circle-stroke-width": 0.5, "circle-stroke-color": "#041228" } });
      // Labels as HTML markers: MapLibre's own text needs glyphs from a server, and the screen runs offline.
      mapData.parts.features.forEach((f) => {
        const el = document.createElement("div");
        el.className = "map-label";
        el.setAttribute("data-testid", "map-label");
        el.dataset.code = f.properties.code;
        el.textContent = f.properties.name;
        const figure = document.createElement("em");
        figure.textContent = fmt(f.properties.value);
        el.append(figure);
        labels[f.properties.code] = el;
        new maplibregl.Marker({ element: el }).setLngLat(centreOf(f)).addTo(map);
      });
      map.on("click", "parts-fill", (e) => {
        const p = e.features[0].properties;
        if (p.openable) window.location = urls.screen.replace("CODE", p.code);
      });
      map.on("mousemove", "parts-fill", (e) => {
        map.getCanvas().style.cursor = e.features[0].properties.openable ? "pointer" : "";
      });
      map.on("mouseleave", "parts-fill", () => { map.getCanvas().style.cursor = ""; });
      map.once("idle", () => { element.dataset.ready = "1"; });
    });
  }

  // --- first paint from the embedded overview ----------------------------------------------------------------
  drawFigures();
  drawCharts();
  if (feed && overview.incidents) {
    overview.incidents.recent.forEach((i) => seen.add(String(i.id)));
    feed.querySelectorAll(".feed-item").forEach((li, index) => { li.item = overview.incidents.recent[index]; });
  }
  window.addEventListener("resize", () => Object.values(screen.charts).forEach((c) => c.resize()));
  PHONE.addEventListener("change", () => { fit(); drawCharts(); }); // a window crossing the phone's width
  listen();
  stage.dataset.painted = String(Math.round(performance.now()));
})();
