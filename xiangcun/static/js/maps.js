// The platform's one map module: every page that shows a map makes it with createMap() (docs/map.md). It gives
// the blank style (no tile server, no font server: offline intranets), the optional raster basemap of the map
// page, the box of GeoJSON geometries, MapLibre's own words in the page's language (templates/includes/
// map_locale.html), HTML labels (MapLibre's text labels need glyphs from a server) and popups. MapLibre GL 6 is
// an ES module only; it is imported here, once, so a page imports this module (or a module that imports it)
// and never MapLibre itself. The big screen's script (static/dashboard/screen.js) is a plain script and keeps
// its own copy.
import * as maplibregl from "../vendor/maplibre-gl/maplibre-gl.mjs";

export { maplibregl };

export const EMPTY = { type: "FeatureCollection", features: [] };
export const BACKGROUND = "#f4f6fa";

// MapLibre's stylesheet: pages that draw a map at once link it in their <head>; a map opened on demand (the phone
// report, correcting a place) gets it here, before the importer runs, so the map is never laid out without it.
const STYLESHEET = new URL("../vendor/maplibre-gl/maplibre-gl.css", import.meta.url).href;

function ensureStylesheet() {
  const links = document.querySelectorAll("link[rel=stylesheet]");
  if (Array.from(links).some((link) => link.href.includes("/maplibre-gl/maplibre-gl."))) return Promise.resolve();
  return new Promise((resolve) => {
    const link = Object.assign(document.createElement("link"), { rel: "stylesheet", href: STYLESHEET });
    link.addEventListener("load", resolve);
    link.addEventListener("error", resolve); // a map without its stylesheet still draws
    document.head.append(link);
  });
}
await ensureStylesheet();

// MapLibre's own words (button titles) in the page's language, from base.html's #maplibre-locale.
export function locale() {
  const node = document.getElementById("maplibre-locale");
  try {
    return node ? JSON.parse(node.textContent) : {};
  } catch (error) {
    return {};
  }
}

// A style with nothing but a background (and the basemap {url, attribution} when the county configured one),
// then the given sources and layers.
export function blankStyle({ background = BACKGROUND, basemap = null, sources = {}, layers = [] } = {}) {
  const style = {
    version: 8,
    sources: {},
    layers: [{ id: "background", type: "background", paint: { "background-color": background } }],
  };
  if (basemap && basemap.url) {
    style.sources.basemap = { type: "raster", tiles: [basemap.url], tileSize: 256, attribution: basemap.attribution || "" };
    style.layers.push({ id: "basemap", type: "raster", source: "basemap" });
  }
  Object.assign(style.sources, sources);
  style.layers.push(...layers);
  return style;
}

// The [[west, south], [east, north]] box of GeoJSON things: geometries, features, feature collections or bare
// [lng, lat] positions; missing ones are skipped. null when there is nothing to frame.
export function extent(items) {
  let minX = 180, minY = 90, maxX = -180, maxY = -90;
  const walk = (c) => {
    if (typeof c[0] === "number") {
      minX = Math.min(minX, c[0]); maxX = Math.max(maxX, c[0]);
      minY = Math.min(minY, c[1]); maxY = Math.max(maxY, c[1]);
    } else c.forEach(walk);
  };
  const visit = (item) => {
    if (!item) return;
    if (Array.isArray(item)) walk(item);
    else if (item.type === "FeatureCollection") item.features.forEach(visit);
    else if (item.type === "Feature") visit(item.geometry);
    else if (item.type === "GeometryCollection") item.geometries.forEach(visit);
    else if (item.coordinates) walk(item.coordinates);
  };
  items.forEach(visit);
  return minX <= maxX ? [[minX, minY], [maxX, maxY]] : null;
}

export const centreOf = (box) => [(box[0][0] + box[1][0]) / 2, (box[0][1] + box[1][1]) / 2];

// ?capture=1 in the page's address keeps the drawing buffer, so that a browser test can read the canvas back.
export const capturing = () => new URLSearchParams(window.location.search).get("capture") === "1";

// createMap(container, options) -> maplibregl.Map
// container: an element or its id. Options of our own (everything else goes to maplibregl.Map):
//   background, basemap ({url, attribution}), sources, layers: the style (blankStyle);
//   fit: GeoJSON things to frame (extent); a single point is shown at pointZoom (14) instead;
//   bounds: a box to frame instead of fit; padding: around the framed box (20 px); maxFitZoom;
//   center, zoom: the view when there is nothing to frame ([0, 0], 1);
//   navigation: true or NavigationControl options (top right); scale: a metric scale (bottom left);
//   capture: keep the drawing buffer (default: ?capture=1 in the address).
export function createMap(container, { background, basemap = null, sources, layers, fit = null, bounds = null,
  padding = 20, maxFitZoom, pointZoom = 14, center = [0, 0], zoom = 1, navigation = false, scale = false,
  capture = capturing(), ...options } = {}) {
  const element = typeof container === "string" ? document.getElementById(container) : container;
  const box = bounds || (fit ? extent(fit) : null);
  let view = { center, zoom };
  if (box && (box[0][0] !== box[1][0] || box[0][1] !== box[1][1])) {
    view = { bounds: box, fitBoundsOptions: { padding, ...(maxFitZoom ? { maxZoom: maxFitZoom } : {}) } };
  } else if (box) {
    view = { center: box[0], zoom: pointZoom };
  }
  const map = new maplibregl.Map({
    container: element,
    locale: locale(),
    style: blankStyle({ background, basemap, sources, layers }),
    attributionControl: basemap && basemap.url ? {} : false,
    ...(capture ? { canvasContextAttributes: { preserveDrawingBuffer: true } } : {}),
    ...view,
    ...options,
  });
  if (navigation) map.addControl(new maplibregl.NavigationControl(navigation === true ? {} : navigation), "top-right");
  if (scale) map.addControl(new maplibregl.ScaleControl({ unit: "metric" }), "bottom-left");
  element.sharedMap = map; // for the browser tests: the page's map was made here
  return map;
}

// Frames GeoJSON things on a map that is already drawn; false when there is nothing to frame.
export function fitTo(map, items, { padding = 20, maxZoom, animate = false } = {}) {
  const box = extent(items);
  if (!box) return false;
  map.fitBounds(box, { padding, animate, ...(maxZoom ? { maxZoom } : {}) });
  return true;
}

// Resolves when the map has drawn what it was given (its style, sources and tiles).
export const whenIdle = (map) => new Promise((resolve) => (map.loaded() ? resolve() : map.once("idle", resolve)));

// An HTML label (or any element) at [lng, lat]: text is a string or an element; className styles a string.
export function label(map, lngLat, text, { className = "map-label", anchor = "center" } = {}) {
  const element = typeof text === "string" ? Object.assign(document.createElement("span"), { className, textContent: text })
    : text;
  return new maplibregl.Marker({ element, anchor }).setLngLat(lngLat).addTo(map);
}

// A popup at [lng, lat] holding an element, or text (never parsed as HTML); its close button is in the locale.
export function popup(map, lngLat, content, { maxWidth = "280px", className = "map-popup" } = {}) {
  const box = new maplibregl.Popup({ maxWidth, className }).setLngLat(lngLat);
  if (typeof content === "string") box.setText(content);
  else box.setDOMContent(content);
  return box.addTo(map);
}
