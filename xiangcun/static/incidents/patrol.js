// A patrol in progress: the phone's positions are collected while the page is open and sent in batches;
// points that could not be sent wait in localStorage and go with the next batch (and before the patrol ends).
const form = document.getElementById("patrol-end-form");
const key = `xiangcun-patrol-${form.dataset.patrol}`;
const csrf = form.elements.csrfmiddlewaretoken.value;
const MIN_STEP_M = 5;
let pending = JSON.parse(localStorage.getItem(key) || "[]");
let last = null;

function metres(a, b) {
  const rad = Math.PI / 180, dLat = (b[1] - a[1]) * rad, dLng = (b[0] - a[0]) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6371000 * Math.asin(Math.sqrt(h));
}

async function flush() {
  if (!pending.length || !navigator.onLine) return;
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
  }, () => {}, { enableHighAccuracy: true, maximumAge: 10000 });
}
setInterval(flush, 30000);
window.addEventListener("online", flush);
form.addEventListener("submit", async (event) => {
  if (!pending.length) { localStorage.removeItem(key); return; }
  event.preventDefault();
  await flush();
  localStorage.removeItem(key);
  form.submit();
});
