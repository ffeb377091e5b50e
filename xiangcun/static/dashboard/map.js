// 乡村一张图: the layers of the platform's registry on one MapLibre map, with no tile or font server.
// Every layer is one GeoJSON source fetched for the visible box (?bbox=w,s,e,n plus the layer's options), again
// when the map moves, and every `refresh` seconds for live layers. Names are HTML labels (MapLibre's own need
// glyphs from a server). Nothing is fetched from outside the platform, except the optional basemap's tiles. The map
// itself (blank style, basemap, locale, controls) is made by maps.js.
import { EMPTY, createMap, label, whenIdle } from "../js/maps.js";

const KIND_ORDER = { line: 0, fill: 1, "fill-extrusion": 2, circle: 3 }; // drawn bottom to top; clicks top first
const LABEL_LIMIT = 400; // labels drawn at once at most (the densest zoom of a county)

const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  children.forEach((child) => node.append(child));
  return node;
};
const fmt = (text, values) => text.replace(/%\((\w+)\)s/g, (_, name) => values[name] ?? "");
const round = (x) => Math.round(x * 1e5) / 1e5;

function boxOf(map) {
  const b = map.getBounds();
  const w = Math.max(-180, b.getWest()), e = Math.min(180, b.getEast());
  const s = Math.max(-90, b.getSouth()), n = Math.min(90, b.getNorth());
  return [round(w), round(s), round(e), round(n)].join(",");
}

export function mountMap(element, config) {
  const text = config.text;
  const start = config.start.bbox;
  const map = createMap(element, {
    background: "#eef1f5", basemap: config.basemap, capture: config.capture, maxZoom: 19, maxPitch: 70,
    bounds: start ? [[start[0], start[1]], [start[2], start[3]]] : null, center: [104.37, 33.79], zoom: 9,
    navigation: { visualizePitch: true }, scale: true,
  });

  const layers = [...config.layers].sort((a, b) => (KIND_ORDER[a.kind] ?? 9) - (KIND_ORDER[b.kind] ?? 9));
  const state = new Map(); // key -> {config, on, params, controller, timer, labels, row}
  const loaded = new Promise((resolve) => map.once("load", resolve));
  const status = element.parentElement.querySelector("[data-testid=map-status]");

  // --- the layer switcher, grouped, with legends and options ------------------------------------------------
  const switcher = document.querySelector("[data-testid=layer-switcher]");
  const details = switcher.closest("details");
  if (details && window.matchMedia("(max-width: 768px)").matches) details.open = false; // the map first on a phone
  const groups = new Map();
  config.layers.forEach((layer) => {
    const s = { config: layer, on: layer.on, params: {}, controller: null, timer: null, labels: [], count: 0 };
    state.set(layer.key, s);
    if (!groups.has(layer.group)) {
      const box = el("fieldset", { className: "map-group" }, el("legend", { className: "map-group-title", textContent: layer.group }));
      groups.set(layer.group, box);
      switcher.append(box);
    }
    const toggle = el("input", { type: "checkbox", className: "form-check-input", checked: layer.on });
    toggle.dataset.testid = `layer-toggle-${layer.key}`;
    const row = el("div", { className: "map-layer" },
      el("label", { className: "form-check mb-1" }, toggle, el("span", { className: "form-check-label", textContent: layer.title })));
    row.dataset.testid = `layer-${layer.key}`;
    const legend = el("ul", { className: "map-legend" });
    legend.dataset.testid = `legend-${layer.key}`;
    const note = el("div", { className: "map-layer-note small" });
    note.dataset.testid = `layer-note-${layer.key}`;
    layer.options.forEach((option) => {
      const select = el("select", { className: "form-select form-select-sm mb-1", name: option.param });
      select.dataset.testid = `layer-option-${layer.key}-${option.param}`;
      select.setAttribute("aria-label", `${layer.title}: ${option.label}`);
      option.choices.forEach((c) => select.append(el("option", { value: c.value, textContent: c.label })));
      s.params[option.param] = select.value;
      select.addEventListener("change", () => { s.params[option.param] = select.value; refresh(layer.key); });
      row.append(el("label", { className: "map-option small" }, el("span", { textContent: option.label }), select));
    });
    row.append(legend, note);
    groups.get(layer.group).append(row);
    Object.assign(s, { row, legend, note, toggle });
    drawLegend(s, layer.legend);
    toggle.addEventListener("change", () => setOn(layer.key, toggle.checked));
  });

  function drawLegend(s, items) {
    s.legend.replaceChildren(...(items || []).map((item) => {
      const swatch = el("span", { className: "map-swatch" });
      swatch.style.background = item.color;
      return el("li", {}, swatch, el("span", { textContent: item.label }));
    }));
  }

  // --- sources, layers and labels ----------------------------------------------------------------------------
  const layerId = (key) => `L-${key}`;
  loaded.then(() => {
    layers.forEach((layer) => {
      map.addSource(layer.key, { type: "geojson", data: EMPTY });
      map.addLayer({ id: layerId(layer.key), type: layer.kind, source: layer.key, paint: layer.paint,
        layout: { visibility: layer.on ? "visible" : "none" } });
    });
  });

  function clearLabels(s) {
    s.labels.forEach((marker) => marker.remove());
    s.labels = [];
  }

  function drawLabels(s, features) {
    clearLabels(s);
    if (!s.on) return;
    const zoom = map.getZoom();
    features.filter((f) => f.properties.c && f.properties.name && zoom >= (f.properties.lz ?? 0))
      .slice(0, LABEL_LIMIT).forEach((f) => {
        s.labels.push(label(map, f.properties.c, f.properties.name, { className: `map-label map-label-${s.config.key}` }));
      });
  }

  function setNote(s, message) {
    s.note.textContent = message || "";
  }

  async function refresh(key) {
    const s = state.get(key);
    await loaded;
    const source = map.getSource(key);
    if (s.controller) s.controller.abort();
    if (!s.on) { source.setData(EMPTY); clearLabels(s); s.data = EMPTY; return; }
    if (map.getZoom() < s.config.minZoom) {
      source.setData(EMPTY); clearLabels(s); s.data = EMPTY; s.count = 0;
      s.row.dataset.count = "0";
      setNote(s, text.zoomIn);
      return;
    }
    const query = new URLSearchParams({ bbox: boxOf(map), ...s.params });
    s.controller = new AbortController();
    s.row.dataset.loading = "1";
    try {
      const response = await fetch(`${s.config.url}?${query}`, { credentials: "same-origin", signal: s.controller.signal });
      const body = await response.json();
      if (!response.ok) throw new Error(body.error || response.statusText);
      body.features.forEach((f) => { f.properties.id = f.id; });
      source.setData(body);
      s.data = body;
      s.count = body.features.length;
      s.row.dataset.count = String(s.count);
      drawLegend(s, body.legend || s.config.legend);
      setNote(s, body.capped ? fmt(text.capped, { count: s.count }) : "");
      drawLabels(s, body.features);
    } catch (error) {
      if (error.name === "AbortError") return;
      setNote(s, `${text.failed} ${error.message || ""}`);
    } finally {
      delete s.row.dataset.loading;
    }
  }

  function setOn(key, on) {
    const s = state.get(key);
    s.on = on;
    s.toggle.checked = on;
    loaded.then(() => map.setLayoutProperty(layerId(key), "visibility", on ? "visible" : "none"));
    clearInterval(s.timer);
    s.timer = null;
    if (on && s.config.refresh) s.timer = setInterval(() => refresh(key), s.config.refresh * 1000);
    if (!on) setNote(s, "");
    return refresh(key);
  }

  // --- clicks open a summary ---------------------------------------------------------------------------------
  const panel = element.parentElement.querySelector("[data-testid=map-summary]");
  panel.querySelector("[data-testid=map-summary-close]").addEventListener("click", () => { panel.hidden = true; });

  async function openSummary(key, id) {
    const url = config.featureUrl.replace("__key__", encodeURIComponent(key)).replace("__id__", encodeURIComponent(id));
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) return null;
    const summary = await response.json();
    panel.querySelector(".map-summary-kind").textContent = summary.kind || "";
    panel.querySelector(".map-summary-title").textContent = summary.title || "";
    panel.querySelector(".map-summary-rows").replaceChildren(...(summary.rows || []).flatMap(([label, value]) =>
      [el("dt", { textContent: label }), el("dd", { textContent: String(value) })]));
    const thumb = panel.querySelector(".map-summary-thumb");
    thumb.hidden = !summary.thumbnail;
    if (summary.thumbnail) thumb.src = summary.thumbnail; else thumb.removeAttribute("src");
    const links = [...(summary.url ? [{ label: text.open, url: summary.url }] : []), ...(summary.links || [])
      .filter((link) => link.url !== summary.url)];
    panel.querySelector(".map-summary-links").replaceChildren(...links.map((link) => {
      const a = el("a", { className: "btn btn-sm btn-primary", href: link.url, textContent: link.label });
      a.dataset.testid = "map-summary-link";
      return a;
    }));
    panel.dataset.layer = key;
    panel.dataset.id = String(id);
    panel.hidden = false;
    return summary;
  }

  map.on("click", (event) => {
    const on = layers.filter((l) => state.get(l.key).on && l.summary).reverse().map((l) => layerId(l.key));
    if (!on.length) return;
    const { x, y } = event.point;
    const hits = map.queryRenderedFeatures([[x - 4, y - 4], [x + 4, y + 4]], { layers: on });
    const rank = (f) => on.indexOf(f.layer.id);
    hits.sort((a, b) => rank(a) - rank(b));
    if (hits.length) openSummary(hits[0].source, hits[0].properties.id);
  });
  map.on("mousemove", (event) => {
    const on = layers.filter((l) => state.get(l.key).on && l.summary && l.kind !== "line").map((l) => layerId(l.key));
    const hit = on.length && map.queryRenderedFeatures(event.point, { layers: on }).length;
    map.getCanvas().style.cursor = hit ? "pointer" : "";
  });

  // --- moving, tilting -----------------------------------------------------------------------------------------
  let moveTimer = null;
  map.on("moveend", () => {
    clearTimeout(moveTimer);
    moveTimer = setTimeout(() => state.forEach((s, key) => { if (s.on) refresh(key); }), 150);
    status.textContent = "";
  });
  const tilt = document.querySelector("[data-testid=tilt-toggle]");
  tilt.addEventListener("change", () => map.easeTo({ pitch: tilt.checked ? 55 : 0, duration: 600 }));

  // --- search --------------------------------------------------------------------------------------------------
  const form = document.querySelector("[data-testid=map-search]");
  const input = form.querySelector("input[name=q]");
  const list = form.querySelector("[data-testid=map-search-results]");
  let searchTimer = null;
  let searchController = null;

  function flyTo(result) {
    if (result.bbox) map.fitBounds([[result.bbox[0], result.bbox[1]], [result.bbox[2], result.bbox[3]]], { padding: 30, maxZoom: 16 });
    else if (result.center) map.flyTo({ center: result.center, zoom: Math.max(map.getZoom(), 16.5) });
    list.hidden = true;
    if (result.layer && state.has(result.layer) && state.get(result.layer).config.summary) openSummary(result.layer, result.id);
  }

  async function runSearch() {
    const q = input.value.trim();
    if (searchController) searchController.abort();
    if (!q) { list.hidden = true; return; }
    searchController = new AbortController();
    try {
      const response = await fetch(`${config.searchUrl}?${new URLSearchParams({ q })}`,
        { credentials: "same-origin", signal: searchController.signal });
      const body = await response.json();
      const results = response.ok ? body.results : [];
      list.replaceChildren(...(results.length ? results.map((result) => {
        const item = el("button", { type: "button", className: "list-group-item list-group-item-action" },
          el("strong", { textContent: result.label }), el("span", { className: "text-secondary small ms-2", textContent: result.detail || result.layer_title }));
        item.dataset.testid = "search-result";
        item.addEventListener("click", () => flyTo(result));
        return item;
      }) : [el("li", { className: "list-group-item text-secondary", textContent: body.error || text.noResults })]));
      list.hidden = false;
    } catch (error) { if (error.name !== "AbortError") list.hidden = true; }
  }

  input.addEventListener("input", () => { clearTimeout(searchTimer); searchTimer = setTimeout(runSearch, 250); });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(searchTimer);
    runSearch().then(() => { const first = list.querySelector("[data-testid=search-result]"); if (first) first.click(); });
  });

  // --- first draw --------------------------------------------------------------------------------------------
  const ready = (async () => {
    await loaded;
    await Promise.all(config.layers.filter((l) => l.on).map((l) => setOn(l.key, true)));
    await whenIdle(map);
    element.dataset.ready = "1";
  })();

  const api = { map, ready, state, refresh, setOn, openSummary };
  element.xiangcunMap = api; // for the browser tests
  return api;
}
