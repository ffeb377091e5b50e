// A map on which a person picks a place (the phone report, the desk entry, correcting an incident's place).
// No tile server and no font server: a plain background, the village outlines from the platform's boundaries
// endpoint, the village names as HTML labels (MapLibre's own labels need glyphs from a server, which an
// offline intranet has not got). A tap or a click sets the marker; the marker can be dragged. Coordinates are
// WGS84, like the outlines. Nothing is fetched from outside the platform. The map is made by maps.js.
import { EMPTY, createMap, fitTo, label, maplibregl, whenIdle } from "./maps.js";

const LABEL_MIN_ZOOM = 10.5; // below this the names of some 200 villages would cover one another
const NEAR_MIN_ZOOM = 11; // from this zoom on, the villages round the centre are fetched as the map moves
const STYLE_ID = "point-picker-style";

function injectStyle() {
  if (document.getElementById(STYLE_ID)) return;
  const style = document.createElement("style");
  style.id = STYLE_ID;
  style.textContent = `.point-picker { position: relative; min-height: 240px; }
.point-picker .maplibregl-canvas { cursor: crosshair; }
.point-picker .pp-label { pointer-events: none; font-size: .8rem; color: #1d273b; white-space: nowrap;
  text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff; }
.point-picker.pp-far .pp-label { display: none; }
body.elder-mode .point-picker .pp-label { font-size: 1.05rem; font-weight: 600; }`;
  document.head.append(style);
}

const round = (x) => Math.round(x * 1e7) / 1e7;

// mountPointPicker(element, {boundariesUrl, lat, lng, within, onPick}) -> {map, ready, setPoint}
// lat/lng: the point already known (the map opens there, with the villages near it); within: a region code
// whose villages are shown when no point is known; frame: with a point known, show it and `within` together
// (a point refused as outside its village is seen beside the village). onPick(lat, lng) is called on every
// tap, click or drag.
export function mountPointPicker(element, { boundariesUrl, lat = null, lng = null, within = "",
  frame = false, onPick = () => {} } = {}) {
  injectStyle();
  element.classList.add("point-picker");
  const start = lat !== null && lng !== null && lat !== "" && lng !== "" ? [Number(lng), Number(lat)] : null;
  const map = createMap(element, {
    center: start || [0, 0],
    zoom: start ? 14 : 1,
    maxZoom: 18,
    navigation: { showCompass: false },
    sources: { villages: { type: "geojson", data: EMPTY } },
    layers: [
      { id: "village-fill", type: "fill", source: "villages", paint: { "fill-color": "#206bc4", "fill-opacity": 0.08 } },
      { id: "village-line", type: "line", source: "villages", paint: { "line-color": "#206bc4", "line-width": 1.5 } },
    ],
  });
  const marker = new maplibregl.Marker({ draggable: true, color: "#d63939" });
  const villages = new Map(); // code -> feature
  const asked = new Set(); // queries already sent
  const loaded = new Promise((resolve) => map.once("load", resolve));

  function addLabel(feature) {
    if (feature.properties.c) label(map, feature.properties.c, feature.properties.name, { className: "pp-label" });
  }

  async function load(query) {
    if (asked.has(query)) return [];
    asked.add(query);
    let data = EMPTY;
    try {
      const response = await fetch(`${boundariesUrl}?${query}`, { credentials: "same-origin" });
      if (response.ok) data = await response.json();
    } catch (error) { return []; /* offline: the person can still pick; the server names the village */ }
    await loaded;
    data.features.forEach((feature) => {
      if (villages.has(feature.properties.code)) return;
      villages.set(feature.properties.code, feature);
      addLabel(feature);
    });
    map.getSource("villages").setData({ type: "FeatureCollection", features: [...villages.values()] });
    return data.features;
  }

  const near = (centre) => `near=${centre[1].toFixed(2)},${centre[0].toFixed(2)}&km=8`;

  function place(lngLat, tell = true) {
    marker.setLngLat(lngLat);
    if (!marker._map) marker.addTo(map);
    if (tell) onPick(round(lngLat.lat ?? lngLat[1]), round(lngLat.lng ?? lngLat[0]));
  }

  map.on("click", (event) => place(event.lngLat));
  marker.on("dragend", () => place(marker.getLngLat()));
  const showLabels = () => element.classList.toggle("pp-far", map.getZoom() < LABEL_MIN_ZOOM);
  map.on("zoomend", showLabels);
  map.on("moveend", () => {
    if (map.getZoom() >= NEAR_MIN_ZOOM) load(near(map.getCenter().toArray()));
  });

  const ready = (async () => {
    if (start) {
      place(start, false);
      await load(near(start));
      if (frame && within) {
        const region = await load(`within=${encodeURIComponent(within)}`);
        fitTo(map, [...region, start], { padding: 30, maxZoom: 16 });
      }
    } else if (within) {
      fitTo(map, await load(`within=${encodeURIComponent(within)}`));
    }
    await loaded;
    showLabels();
    await whenIdle(map);
    element.dataset.ready = "1";
  })();

  const picker = {
    map, ready,
    setPoint(newLat, newLng) { // a point typed by hand: move the marker there, do not call onPick
      if (!Number.isFinite(newLat) || !Number.isFinite(newLng)) return;
      place([newLng, newLat], false);
      map.jumpTo({ center: [newLng, newLat], zoom: Math.max(map.getZoom(), NEAR_MIN_ZOOM) });
    },
  };
  element.pointPicker = picker; // for the browser tests (map.project gives a village's pixel)
  return picker;
}

// The desk forms (registering a report, correcting the place): a pick fills lat/lng, unticks GCJ-02 (the map
// is WGS84) and selects the village (and grid) the platform finds there. status shows what was found.
export function pickIntoForm(element, form, { boundariesUrl, locateUrl, within = "", frame = false,
  status = null }) {
  const field = (name) => form.elements[name] || null;
  const gcj = field("gcj02");
  const known = field("lat").value && field("lng").value && !(gcj && gcj.checked);
  const say = (text) => { if (status) status.textContent = text; };
  // Selects the option whose value (a code) or text (a name) matches; false when the select has none.
  const choose = (name, code, text = "") => {
    const select = field(name);
    if (!select || !select.options) return false;
    const option = Array.from(select.options).find((o) => o.value && (o.value === code || (text && o.text === text)));
    if (!option) return false;
    select.value = option.value;
    select.dispatchEvent(new Event("change", { bubbles: true }));
    return true;
  };
  // With a point already in the form, frame it with the village chosen in the form (not the whole county).
  const chosen = field("region") && field("region").value;
  const picker = mountPointPicker(element, {
    boundariesUrl, within: known && frame && chosen ? chosen : within, frame,
    lat: known ? field("lat").value : null, lng: known ? field("lng").value : null,
    async onPick(lat, lng) {
      field("lat").value = lat;
      field("lng").value = lng;
      if (gcj) gcj.checked = false;
      say(element.dataset.msgFinding || "");
      try {
        const answer = await (await fetch(`${locateUrl}?lat=${lat}&lng=${lng}`, { credentials: "same-origin" })).json();
        const before = field("region") ? field("region").value : "";
        const ok = Boolean(answer.village) && choose("region", answer.village.code);
        // The grid list is the one of the village shown when the page was drawn: keep a grid only there.
        const grid = field("grid");
        if (grid && !(ok && answer.grid && answer.village.code === before && choose("grid", answer.grid.code, answer.grid.name))) {
          grid.value = "";
        }
        say(ok ? (element.dataset.msgFound || "%(name)s").replace("%(name)s", answer.village.name)
          : (element.dataset.msgOutside || ""));
      } catch (error) { say(""); }
    },
  });
  const typed = () => {
    if (gcj && gcj.checked) return;
    picker.setPoint(parseFloat(field("lat").value), parseFloat(field("lng").value));
  };
  field("lat").addEventListener("change", typed);
  field("lng").addEventListener("change", typed);
  return picker;
}
