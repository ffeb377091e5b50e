// Draws a region outline and its parts with MapLibre, without any tile server (offline intranets).
// The [[west, south], [east, north]] box of GeoJSON geometries (missing ones ignored); null when there is none.
export function extent(geometries) {
  let minX = 180, minY = 90, maxX = -180, maxY = -90;
  const walk = (c) => {
    if (typeof c[0] === "number") {
      minX = Math.min(minX, c[0]); maxX = Math.max(maxX, c[0]);
      minY = Math.min(minY, c[1]); maxY = Math.max(maxY, c[1]);
    } else c.forEach(walk);
  };
  geometries.filter(Boolean).forEach((g) => walk(g.coordinates));
  return minX <= maxX ? [[minX, minY], [maxX, maxY]] : null;
}

const bounds = (geometry) => extent([geometry]);

export function drawRegionMap(maplibregl, id, outline, children) {
  const map = new maplibregl.Map({
    locale: JSON.parse(document.getElementById("maplibre-locale")?.textContent || "{}"),
    container: id,
    style: { version: 8, sources: {}, layers: [{ id: "bg", type: "background", paint: { "background-color": "#f4f6fa" } }] },
    bounds: bounds(outline),
    fitBoundsOptions: { padding: 20 },
    attributionControl: false,
  });
  map.on("load", () => {
    map.addSource("outline", { type: "geojson", data: { type: "Feature", properties: {}, geometry: outline } });
    map.addSource("children", { type: "geojson", data: children });
    map.addLayer({ id: "children-fill", type: "fill", source: "children",
      paint: { "fill-color": "#206bc4", "fill-opacity": ["case", ["boolean", ["feature-state", "hover"], false], 0.35, 0.12] } });
    map.addLayer({ id: "children-line", type: "line", source: "children", paint: { "line-color": "#206bc4", "line-width": 1 } });
    map.addLayer({ id: "outline-line", type: "line", source: "outline", paint: { "line-color": "#d63939", "line-width": 2 } });
    map.addLayer({ id: "children-label", type: "symbol", source: "children",
      layout: { "text-field": ["get", "name"], "text-size": 12 }, paint: { "text-color": "#1d273b" } });
    map.on("click", "children-fill", (e) => { window.location = e.features[0].properties.url; });
    map.on("mouseenter", "children-fill", () => { map.getCanvas().style.cursor = "pointer"; });
    map.on("mouseleave", "children-fill", () => { map.getCanvas().style.cursor = ""; });
  });
  return map;
}
