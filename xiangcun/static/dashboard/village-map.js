// A small map of one village: its outline, its grids and its facilities, with no tile and no font server
// (offline intranets). Facilities are HTML markers with a short label, because MapLibre's own text labels need
// glyphs from a server. Used by a facility's page and the village profile (村情). The map is made by maps.js.
import { EMPTY, createMap, label } from "../js/maps.js";

const KIND_COLOURS = {
  committee: "#d63939", clinic: "#2fb344", school: "#f59f00", square: "#ae3ec9", well: "#4299e1",
  sluice: "#17a2b8", parking: "#667382", streetlight: "#f76707", shop: "#74b816", toilet: "#868e96", other: "#1d273b",
};
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

// drawVillageMap(element, {boundary, grids, facilities, zoom}) -> map
// boundary: a GeoJSON geometry or null; grids, facilities: FeatureCollections (facility properties: name, kind,
// url); zoom: the zoom used when there is a single point and no outline. ``?capture=1`` in the page's address keeps
// the drawing buffer so that a browser test can read the canvas back (createMap), like the map and the screen.
export function drawVillageMap(element, { boundary = null, grids = EMPTY, facilities = EMPTY, zoom = 14 } = {}) {
  injectStyle();
  const map = createMap(element, {
    fit: boundary ? [boundary] : [facilities], pointZoom: zoom, padding: 24, navigation: { showCompass: false },
    sources: {
      grids: { type: "geojson", data: grids },
      ...(boundary ? { village: { type: "geojson", data: { type: "Feature", properties: {}, geometry: boundary } } } : {}),
    },
    layers: [
      { id: "grid-fill", type: "fill", source: "grids", paint: { "fill-color": "#206bc4", "fill-opacity": 0.08 } },
      { id: "grid-line", type: "line", source: "grids", paint: { "line-color": "#206bc4", "line-width": 1, "line-dasharray": [2, 2] } },
      ...(boundary ? [{ id: "village-line", type: "line", source: "village", paint: { "line-color": "#d63939", "line-width": 2 } }] : []),
    ],
  });
  map.on("load", () => {
    facilities.features.forEach((feature) => {
      const { name = "", kind = "other", url = "" } = feature.properties || {};
      const marker = document.createElement(url ? "a" : "span");
      marker.className = "vm-marker";
      if (url) marker.href = url;
      const dot = document.createElement("i");
      dot.style.background = KIND_COLOURS[kind] || KIND_COLOURS.other;
      marker.append(dot, document.createTextNode(name));
      label(map, feature.geometry.coordinates, marker, { anchor: "left" });
    });
    element.dataset.ready = "1";
  });
  element.villageMap = map; // for browser tests
  return map;
}
