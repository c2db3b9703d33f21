/* The small map of a place page: one marker, centred on the place.
 *
 * The container (#place-map) is a named region: focusable once Leaflet runs, moved with the
 * arrow keys and zoomed with + and −. The zoom buttons are real keyboard-usable buttons with
 * French titles; the marker is decorative (not focusable: the page already says everything).
 * Every text comes from data attributes and is never inserted as HTML. */
(function () {
  "use strict";

  var COLOR = /^#[0-9a-fA-F]{6}$/;

  function icon(color) {
    var safe = COLOR.test(color) ? color : "#555555";
    return L.divIcon({
      className: "place-marker",
      html: '<span style="background:' + safe + '"></span>',
      iconSize: [18, 18],
      iconAnchor: [9, 9]
    });
  }

  function show(container) {
    var lat = parseFloat(container.getAttribute("data-lat"));
    var lon = parseFloat(container.getAttribute("data-lon"));
    var tiles = JSON.parse(container.getAttribute("data-tiles"));
    var map = L.map(container, {
      scrollWheelZoom: false,
      dragging: !L.Browser.mobile,  // one finger scrolls the page on a phone; the buttons still zoom
      zoomControl: false,
      attributionControl: false
    }).setView([lat, lon], 16);
    L.control.zoom({ zoomInTitle: "Zoom avant", zoomOutTitle: "Zoom arrière", zoomOutText: "−" }).addTo(map);
    L.control.attribution({ prefix: '<a href="https://leafletjs.com" hreflang="en">Leaflet</a>' }).addTo(map);
    L.tileLayer(tiles.url, {
      attribution: tiles.attribution,
      maxZoom: tiles.max_zoom || 19
    }).addTo(map);
    L.marker([lat, lon], {
      icon: icon(container.getAttribute("data-color")),
      keyboard: false,
      interactive: false
    }).addTo(map);
    return map;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var container = document.getElementById("place-map");
    if (container && window.L) show(container);
  });
})();
