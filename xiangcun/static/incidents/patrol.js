// A patrol in progress: the phone's positions are collected while the page is open and sent in batches;
// points that could not be sent wait in localStorage and go with the next batch. The end sends the points not
// sent yet with it (one request), and they leave the phone only once the server has ended the patrol: a weak
// network at the end no longer loses the track (the patrol then said 0.0 km).
const form = document.getElementById("patrol-end-form");
const status = document.getElementById("patrol-status");
const key = `xiangcun-patrol-${form.dataset.patrol}`;
const csrf = form.elements.csrfmiddlewaretoken.value;
const MIN_STEP_M = 5;
let pending = JSON.parse(localStorage.getItem(key) || "[]");
let last = null;
let sending = null; // the batch on its way, if any: the end waits for it, so no point is sent twice
let ending = false;

function metres(a, b) {
  const rad = Math.PI / 180, dLat = (b[1] - a[1]) * rad, dLng = (b[0] - a[0]) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6371000 * Math.asin(Math.sqrt(h));
}

function say(text) {
  if (status) { status.textContent = text; status.classList.add("text-danger"); }
}

function flush() {
  if (sending || ending || !pending.length || !navigator.onLine) return sending;
  sending = sendBatch().finally(() => { sending = null; });
  return sending;
}

async function sendBatch() {
  const batch = pending.slice(0, 500);
  try {
    const response = await fetch(form.dataset.pointsUrl, { method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
      body: JSON.stringify({ points: batch }) });
    if (!response.ok) return;
    const answer = await response.json();
    pending = pending.slice(batch.length);
    localStorage.setItem(key, JSON.stringify(pending));
    document.getElementById("patrol-distance").textContent = answer.distance_m;
    document.getElementById("patrol-points").textContent = answer.points;
  } catch (error) { /* offline: try again with the next batch */ }
}

if (navigator.geolocation) {
  navigator.geolocation.watchPosition((position) => {
    const point = [position.coords.longitude, position.coords.latitude, Math.round(position.coords.accuracy)];
    if (last && metres(last, point) < MIN_STEP_M) return;
    last = point;
    pending.push(point);
    localStorage.setItem(key, JSON.stringify(pending));
  }, () => say(form.dataset.msgNoPosition), { enableHighAccuracy: true, maximumAge: 10000 });
} else {
  say(form.dataset.msgNoPosition);
}
setInterval(flush, 30000);
window.addEventListener("online", flush);
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  ending = true;
  await sending;
  const sent = pending.length;
  form.elements.points.value = JSON.stringify(pending);
  try {
    const response = await fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { Accept: "application/json" } });
    const answer = await response.json();
    if (!response.ok) { ending = false; say(answer.error); return; } // refused: the points stay on the phone
    pending = pending.slice(sent);
    if (pending.length) localStorage.setItem(key, JSON.stringify(pending)); else localStorage.removeItem(key);
    location.assign(answer.url);
  } catch (error) {
    ending = false;
    say(form.dataset.msgOffline);
  }
});
