/* Places on the map: one JSON array turned into clustered markers, client-side.
 * Every text comes from data and is inserted with textContent, never as HTML. */
(function () {
  "use strict";

  var COLOR = /^#[0-9a-fA-F]{6}$/;
  var F = {};  // field name -> column of a place's row

  function icon(color) {
    var safe = COLOR.test(color) ? color : "#555555";
    return L.divIcon({
      className: "place-marker",
      html: '<span style="background:' + safe + '"></span>',
      iconSize: [18, 18],
      iconAnchor: [9, 9],
      popupAnchor: [0, -8]
    });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function popup(place, type, href) {
    var box = element("div", "place-popup");
    var title = element("a", "place-popup-title", place[F.nom]);
    title.href = href;
    box.appendChild(title);
    var meta = type.label + (place[F.commune] ? " · " + place[F.commune] : "") + (place[F.ferme] ? " · fermé" : "");
    box.appendChild(element("p", "place-popup-meta", meta));
    if (place[F.description]) box.appendChild(element("p", "place-popup-description", place[F.description]));
    var more = element("a", "place-popup-more", "Voir la fiche du lieu");
    more.href = href;
    box.appendChild(more);
    return box;
  }

  function legend(map, data, cluster, byType) {
    var control = L.control({ position: "topright" });
    control.onAdd = function () {
      var box = L.DomUtil.create("form", "map-legend");
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      var fieldset = element("fieldset");
      fieldset.appendChild(element("legend", "", "Types de lieux"));
      data.types.forEach(function (type, index) {
        if (!type.count) return;
        var label = element("label");
        var input = element("input");
        input.type = "checkbox";
        input.checked = true;
        input.value = type.code;
        input.addEventListener("change", function () {
          if (input.checked) cluster.addLayers(byType[index]);
          else cluster.removeLayers(byType[index]);
        });
        var swatch = element("span", "swatch");
        swatch.style.background = COLOR.test(type.color) ? type.color : "#555555";
        label.appendChild(input);
        label.appendChild(swatch);
        label.appendChild(document.createTextNode(type.label + " (" + type.count + ")"));
        fieldset.appendChild(label);
      });
      box.appendChild(fieldset);
      return box;
    };
    control.addTo(map);
  }

  function init(map, dataId) {
    var script = document.getElementById(dataId);
    var data = JSON.parse(script.textContent);
    // The columns of each place, named once in the build (outputs/mapview.py, MAP_FIELDS).
    F = {};
    data.fields.forEach(function (name, index) { F[name] = index; });
    var base = script.getAttribute("data-base") || "";
    var icons = data.types.map(function (type) { return icon(type.color); });
    var byType = data.types.map(function () { return []; });
    var container = map.getContainer();
    var cluster = L.markerClusterGroup({
      chunkedLoading: true,
      chunkProgress: function (done, total) {
        if (done === total) container.setAttribute("data-loaded", String(total));
      },
      showCoverageOnHover: false,
      maxClusterRadius: 50
    });
    var all = new Array(data.places.length);
    data.places.forEach(function (place, index) {
      var marker = L.marker([place[F.lat], place[F.lon]], {
        icon: icons[place[F.type]],
        title: place[F.nom],
        alt: place[F.nom],
        place: index
      });
      byType[place[F.type]].push(marker);
      all[index] = marker;
    });
    // One popup for the whole layer, filled on click: no closure per marker.
    var shared = L.popup({ maxWidth: 280, offset: [0, -8] });
    cluster.on("click", function (event) {
      var place = data.places[event.layer.options.place];
      var href = base + data.placeUrl.replace("{id}", place[F.id]);
      shared.setLatLng(event.layer.getLatLng()).setContent(popup(place, data.types[place[F.type]], href)).openOn(map);
    });
    // On the map first: with chunkedLoading the clusters then appear while the rest is added.
    map.addLayer(cluster);
    cluster.addLayers(all);
    legend(map, data, cluster, byType);
    container.setAttribute("data-places", String(data.places.length));
    return cluster;
  }

  /* The small map of a place page: one marker, centred on it. */
  function mini(container) {
    var lat = parseFloat(container.getAttribute("data-lat"));
    var lon = parseFloat(container.getAttribute("data-lon"));
    var tiles = JSON.parse(container.getAttribute("data-tiles"));
    var map = L.map(container, { scrollWheelZoom: false }).setView([lat, lon], 16);
    L.tileLayer(tiles.url, {
      attribution: tiles.attribution,
      maxZoom: tiles.max_zoom || 19
    }).addTo(map);
    L.marker([lat, lon], {
      icon: icon(container.getAttribute("data-color")),
      title: container.getAttribute("data-name") || ""
    }).addTo(map);
    return map;
  }

  window.PlacesMap = { init: init, mini: mini };

  document.addEventListener("DOMContentLoaded", function () {
    var container = document.getElementById("place-map");
    if (container) mini(container);
  });
})();
