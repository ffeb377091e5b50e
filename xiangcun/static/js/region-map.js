// A region's outline and its parts (a region's page), made by maps.js: no tile and no font server (offline
// intranets), so the parts' names are HTML labels at the middle of each part's box.
import { centreOf, createMap, extent, label } from "./maps.js";

const STYLE_ID = "region-map-style";

function injectStyle() {
  if (document.getElementById(STYLE_ID)) return;
  const style = document.createElement("style");
  style.id = STYLE_ID;
  style.textContent = `.rm-label { pointer-events: none; font-size: .75rem; color: #1d273b; white-space: nowrap;
  text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff; }
body.elder-mode .rm-label { font-size: 1rem; font-weight: 600; }`;
  document.head.append(style);
}

// drawRegionMap(container, outline, children) -> map; outline: a GeoJSON geometry; children: a FeatureCollection
// whose features carry `name` and `url` (a click on a part opens its page).
export function drawRegionMap(container, outline, children) {
  injectStyle();
  const map = createMap(container, {
    fit: [outline],
    sources: {
      outline: { type: "geojson", data: { type: "Feature", properties: {}, geometry: outline } },
      children: { type: "geojson", data: children },
    },
    layers: [
      { id: "children-fill", type: "fill", source: "children",
        paint: { "fill-color": "#206bc4", "fill-opacity": ["case", ["boolean", ["feature-state", "hover"], false], 0.35, 0.12] } },
      { id: "children-line", type: "line", source: "children", paint: { "line-color": "#206bc4", "line-width": 1 } },
      { id: "outline-line", type: "line", source: "outline", paint: { "line-color": "#d63939", "line-width": 2 } },
    ],
  });
  map.on("load", () => {
    children.features.forEach((feature) => {
      const box = extent([feature]);
      if (box && feature.properties.name) label(map, centreOf(box), feature.properties.name, { className: "rm-label" });
    });
  });
  map.on("click", "children-fill", (e) => { window.location = e.features[0].properties.url; });
  map.on("mouseenter", "children-fill", () => { map.getCanvas().style.cursor = "pointer"; });
  map.on("mouseleave", "children-fill", () => { map.getCanvas().style.cursor = ""; });
  return map;
}
