// A small map of one village: its outline, its grids and its facilities, with no tile and no font server
// (offline intranets). Facilities are HTML markers with a short label, because MapLibre's own text labels need
// glyphs from a server. Used by a facility's page and the village profile (村情).
import { extent } from "../js/region-map.js";

const KIND_COLOURS = {
  committee: "#d63939", clinic: "#2fb344", school: "#f59f00", square: "#ae3ec9", well: "#4299e1",
  sluice: "#17a2b8", parking: "#667382", streetlight: "#f76707", shop: "#74b816", toilet: "#868e96", other: "#1d273b",
};
const EMPTY = { type: "FeatureCollection", features: [] };
const STYLE_ID = "village-map-style";

function injectStyle() {
  if (document.getElementById(STYLE_ID)) return;
  const style = document.createElement("style");
  style.id = STYLE_ID;
  style.textContent = `.vm-marker { display: flex; align-items: center; gap: 3px; cursor: pointer; font-size: .75rem;
  color: #1d273b; white-space: nowrap; text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff; }
.vm-marker i { display: inline-block; width: 12px; height: 12px; border-radius: 50%; border: 2px solid #fff;
  box-shadow: 0 0 2px rgba(0,0,0,.5); }
body.elder-mode .vm-marker { font-size: 1rem; font-weight: 600; }
body.elder-mode .vm-marker i { width: 16px; height: 16px; }`;
  document.head.append(style);
}

// drawVillageMap(maplibregl, element, {boundary, grids, facilities, zoom}) -> map
// boundary: a GeoJSON geometry or null; grids, facilities: FeatureCollections (facility properties: name, kind,
// url); zoom: the zoom used when there is a single point and no outline; capture: keep the drawing buffer so that
// a browser test can read the canvas back (``?capture=1`` in the page's address, like the map and the screen).
export function drawVillageMap(maplibregl, element, { boundary = null, grids = EMPTY, facilities = EMPTY, zoom = 14,
  capture = new URLSearchParams(window.location.search).get("capture") === "1" } = {}) {
  injectStyle();
  const points = facilities.features.map((f) => f.geometry);
  const box = extent(boundary ? [boundary] : points);
  const single = !boundary && points.length === 1;
  const map = new maplibregl.Map({
    locale: JSON.parse(document.getElementById("maplibre-locale")?.textContent || "{}"),
    container: element,
    attributionControl: false,
    ...(capture ? { canvasContextAttributes: { preserveDrawingBuffer: true } } : {}),
    style: { version: 8, sources: {}, layers: [{ id: "bg", type: "background", paint: { "background-color": "#f4f6fa" } }] },
    ...(box && !single ? { bounds: box, fitBoundsOptions: { padding: 24 } } : { center: single ? points[0].coordinates : [0, 0], zoom: single ? zoom : 1 }),
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
  map.on("load", () => {
    map.addSource("grids", { type: "geojson", data: grids });
    map.addLayer({ id: "grid-fill", type: "fill", source: "grids", paint: { "fill-color": "#206bc4", "fill-opacity": 0.08 } });
    map.addLayer({ id: "grid-line", type: "line", source: "grids", paint: { "line-color": "#206bc4", "line-width": 1, "line-dasharray": [2, 2] } });
    if (boundary) {
      map.addSource("village", { type: "geojson", data: { type: "Feature", properties: {}, geometry: boundary } });
      map.addLayer({ id: "village-line", type: "line", source: "village", paint: { "line-color": "#d63939", "line-width": 2 } });
    }
    facilities.features.forEach((feature) => {
      const { name = "", kind = "other", url = "" } = feature.properties || {};
      const label = document.createElement(url ? "a" : "span");
      label.className = "vm-marker";
      if (url) label.href = url;
      const dot = document.createElement("i");
      dot.style.background = KIND_COLOURS[kind] || KIND_COLOURS.other;
      label.append(dot, document.createTextNode(name));
      new maplibregl.Marker({ element: label, anchor: "left" }).setLngLat(feature.geometry.coordinates).addTo(map);
    });
    element.dataset.ready = "1";
  });
  element.villageMap = map; // for browser tests
  return map;
}
