// 随手拍 on a phone with a weak network: photos shrunk in the browser, the position from the phone, and an
// outbox in IndexedDB. A report that cannot be sent stays on the phone and is sent when the connection
// returns (the "online" event) and on every page load. Each draft carries a client key, so a retry of a
// report that did arrive gets the same incident back, never a second one.
import { downscaleAll } from "./photos.js";

const form = document.getElementById("report-form");
const $ = (id) => document.getElementById(id);
const scope = form.dataset.outboxScope || "";
const DB_NAME = "xiangcun-incidents";
const STORE = "outbox";
let photos = null; // the shrunk photos of the draft (null: none chosen)
let flushing = false;

export function newKey() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16)); // randomUUID needs https; getRandomValues does not
  b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// --- IndexedDB ---------------------------------------------------------------------------------------
function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "key" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}
async function store(mode, work) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const result = work(tx.objectStore(STORE));
    tx.oncomplete = () => { db.close(); resolve(result && "result" in result ? result.result : undefined); };
    tx.onerror = () => { db.close(); reject(tx.error); };
  });
}
const keep = (entry) => store("readwrite", (s) => s.put(entry));
const drop = (key) => store("readwrite", (s) => s.delete(key));
const entries = async () => ((await store("readonly", (s) => s.getAll())) || []).filter((e) => e.scope === scope);

// --- the draft ----------------------------------------------------------------------------------------
function snapshot() {
  const data = new FormData(form);
  const fields = {};
  for (const [name, value] of data.entries()) {
    if (name !== "photos" && name !== "csrfmiddlewaretoken" && typeof value === "string") fields[name] = value;
  }
  return { key: fields.client_key, scope, action: form.getAttribute("action") || location.href, fields,
           photos: photos || Array.from($("id_photos").files), created: Date.now(), error: "",
           summary: (fields.description || "").slice(0, 40) };
}

function resetDraft() {
  const keepPlace = ["lat", "lng", "accuracy", "region"].map((n) => [n, form.elements[n].value]);
  form.reset();
  keepPlace.forEach(([n, v]) => { form.elements[n].value = v; });
  form.elements.client_key.value = newKey();
  photos = null;
  $("photo-previews").replaceChildren();
}

function csrfToken() {
  return form.elements.csrfmiddlewaretoken.value;
}

// Sends one report. ok: the server has it; rejected: the server refused it (the person must fix something);
// otherwise the network or the session failed and the report stays in the outbox.
async function send(entry) {
  const body = new FormData();
  Object.entries(entry.fields).forEach(([name, value]) => body.append(name, value));
  body.append("csrfmiddlewaretoken", csrfToken());
  (entry.photos || []).forEach((blob, i) => body.append("photos", blob, blob.name || `photo-${i + 1}.jpg`));
  try {
    const response = await fetch(entry.action, { method: "POST", body, credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() } });
    const json = (response.headers.get("Content-Type") || "").includes("application/json");
    if (!json) return { ok: false, login: response.redirected };
    const answer = await response.json();
    if (response.ok) return { ok: true, answer };
    if (response.status >= 400 && response.status < 500) return { ok: false, rejected: true, answer };
    return { ok: false };
  } catch (error) {
    return { ok: false };
  }
}

// --- what the person sees -----------------------------------------------------------------------------
function clearErrors() {
  form.querySelectorAll("[data-error-for]").forEach((el) => el.replaceChildren());
  $("form-error").hidden = true;
}

function showError(answer) {
  const target = answer.field && form.querySelector(`[data-error-for="${answer.field}"]`);
  const box = target || $("form-error");
  box.replaceChildren(...[answer.error].map((text) => Object.assign(document.createElement("div"), { textContent: text })));
  box.hidden = false;
  box.scrollIntoView({ block: "center" });
}

function showSent(answer) {
  $("sent-code").textContent = answer.code;
  $("sent-link").href = answer.url;
  $("sent-duplicate").hidden = !answer.possible_duplicate;
  $("sent").hidden = false;
}

async function showOutbox(note = "") {
  const waiting = await entries();
  $("outbox").hidden = waiting.length === 0;
  $("outbox-count").textContent = String(waiting.length);
  $("outbox-list").replaceChildren(...waiting.map((entry) => {
    const item = document.createElement("li");
    item.dataset.testid = "outbox-item";
    item.textContent = entry.summary || entry.key;
    if (entry.error) {
      const why = Object.assign(document.createElement("div"), { className: "text-danger", textContent: entry.error });
      const remove = Object.assign(document.createElement("button"),
        { type: "button", className: "btn btn-sm btn-outline-danger ms-2", textContent: form.dataset.msgDelete });
      remove.addEventListener("click", async () => { await drop(entry.key); showOutbox(); });
      item.append(remove, why);
    }
    return item;
  }));
  if (note) $("outbox-list").prepend(Object.assign(document.createElement("li"), { className: "text-danger", textContent: note }));
}

// Sends what waits in the outbox, oldest first; stops at the first network failure.
async function flush() {
  if (flushing || !navigator.onLine) return;
  flushing = true;
  let note = "";
  try {
    const waiting = (await entries()).filter((e) => !e.error).sort((a, b) => a.created - b.created);
    for (const entry of waiting) {
      const outcome = await send(entry);
      if (outcome.ok) {
        await drop(entry.key);
        showSent(outcome.answer);
      } else if (outcome.rejected) {
        entry.error = outcome.answer.error;
        await keep(entry);
      } else {
        if (outcome.login) note = form.dataset.msgLogin;
        break;
      }
    }
  } finally {
    flushing = false;
    await showOutbox(note);
  }
}

// --- the steps ----------------------------------------------------------------------------------------
$("id_photos").addEventListener("change", async (event) => {
  const files = Array.from(event.target.files);
  photos = files.length ? await downscaleAll(files) : null;
  $("photo-previews").replaceChildren(...(photos || []).map((blob) => {
    const img = Object.assign(document.createElement("img"), { src: URL.createObjectURL(blob), alt: "" });
    img.className = "photo-preview";
    return img;
  }));
});

form.querySelectorAll("[data-leaf]").forEach((radio) => radio.addEventListener("change", () => {
  const only = $(`cat-${radio.dataset.leaf}`);
  if (only) only.checked = true;
}));

// Selects the village the platform finds at the point (replace: also when one is already chosen).
async function nameVillage(lat, lng, replace) {
  try {
    const answer = await (await fetch(`${form.dataset.locateUrl}?lat=${lat}&lng=${lng}`)).json();
    const select = form.elements.region;
    if (answer.village && (replace || !select.value) && select.querySelector(`option[value="${answer.village.code}"]`)) {
      select.value = answer.village.code;
    }
  } catch (error) { /* offline: the server finds the village from the point */ }
}

// 在地图上选点: the picker, with MapLibre (about 1 MB, imported by maps.js with its stylesheet), and the outlines
// are downloaded only when the person asks for the map.
async function openMap() {
  const box = $("pick-map");
  const button = $("pick-on-map");
  button.disabled = true;
  box.hidden = false;
  try {
    const { mountPointPicker } = await import(form.dataset.pickerUrl);
    mountPointPicker(box, {
      boundariesUrl: form.dataset.boundariesUrl, lat: form.elements.lat.value || null,
      lng: form.elements.lng.value || null, within: form.elements.region.value || form.dataset.pickerWithin,
      onPick(lat, lng) {
        form.elements.lat.value = lat;
        form.elements.lng.value = lng;
        form.elements.accuracy.value = ""; // picked by hand, not measured by the phone (WGS84, like the map)
        $("location-status").textContent = form.dataset.msgPicked.replace("%(lat)s", lat.toFixed(5))
          .replace("%(lng)s", lng.toFixed(5));
        nameVillage(lat, lng, true);
      },
    });
    button.hidden = true;
  } catch (error) {
    box.hidden = true;
    $("location-status").textContent = form.dataset.msgNoMap;
  } finally {
    button.disabled = false;
  }
}
$("pick-on-map").hidden = false;
$("pick-on-map").addEventListener("click", openMap);

function locateMe() {
  if (!navigator.geolocation) return;
  const status = $("location-status");
  status.textContent = form.dataset.msgLocating;
  navigator.geolocation.getCurrentPosition(async (position) => {
    const { latitude, longitude, accuracy } = position.coords;
    form.elements.lat.value = latitude.toFixed(7);
    form.elements.lng.value = longitude.toFixed(7);
    form.elements.accuracy.value = Math.round(accuracy);
    status.textContent = form.dataset.msgLocated.replace("%(m)s", Math.round(accuracy));
    await nameVillage(latitude, longitude, false);
  }, () => { status.textContent = form.dataset.msgNoPosition; },
  { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
}
if (navigator.geolocation) {
  $("locate").hidden = false;
  $("locate").addEventListener("click", locateMe);
  if (!form.elements.lat.value) locateMe();
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors();
  const button = $("report-submit");
  button.disabled = true;
  try {
    const entry = snapshot();
    if (!entry.key) entry.key = entry.fields.client_key = newKey();
    const outcome = navigator.onLine ? await send(entry) : { ok: false };
    if (outcome.ok) {
      showSent(outcome.answer);
      resetDraft();
    } else if (outcome.rejected) {
      showError(outcome.answer); // nothing is lost: the draft stays as it was
    } else {
      await keep(entry);
      resetDraft();
      await showOutbox(outcome.login ? form.dataset.msgLogin : form.dataset.msgFailed);
    }
  } finally {
    button.disabled = false;
  }
});

$("outbox-send").addEventListener("click", flush);
window.addEventListener("online", flush);
if (!form.elements.client_key.value) form.elements.client_key.value = newKey();
showOutbox().then(flush);
