// The "nearby" tab needs the phone's position: ask for it once and reload with ?lat=&lng= (WGS84).
const params = new URLSearchParams(location.search);
if (params.get("tab") === "nearby" && !params.has("lat") && navigator.geolocation) {
  navigator.geolocation.getCurrentPosition((position) => {
    params.set("lat", position.coords.latitude.toFixed(6));
    params.set("lng", position.coords.longitude.toFixed(6));
    location.replace(`?${params}`);
  }, () => {}, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
}
const nearby = document.getElementById("tab-nearby");
if (nearby && params.has("lat")) nearby.href = `?tab=nearby&lat=${params.get("lat")}&lng=${params.get("lng")}`;
