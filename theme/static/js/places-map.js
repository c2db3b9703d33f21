/* The places on the home page's map and on the embedded map: clusters (supercluster) and markers,
 * one shared popup, the legend, and Leaflet's controls in French (window.PlacesMap).
 *
 * find.js decides which places are shown (show), which is highlighted (highlight) and which is
 * opened (open); this file draws them. Every marker and cluster is a keyboard button with a text
 * name (« Le Jack, fablab, Montreuil », « Groupe de 12 lieux »); Enter on a cluster zooms in,
 * Enter on a marker opens its popup with the focus inside, Escape closes it and gives the focus
 * back. Every text is inserted with textContent, never as HTML. */
(function () {
  "use strict";

  var COLOR = /^#[0-9a-fA-F]{6}$/;
  var PLACE_ZOOM = 16;   // a single place, or a place opened from the list
  var SOON = {};         // the index of every place, not built yet: the view is drawn from data.firstClusters
  var FIT_MAX_ZOOM = 15; // framing a selection never zooms in further
  var USEFUL_ZOOM = 9;   // below this, the first framing keeps the central 95 % of the places
  var GESTURES = {
    touch: "Utilisez deux doigts pour déplacer la carte",
    scroll: "Maintenez la touche Ctrl enfoncée et faites défiler pour zoomer",
    scrollMac: "Maintenez la touche \u2318 enfoncée et faites défiler pour zoomer"
  };

  /* Folium frames the map as soon as it is created, with an animation that would land after the
   * finder's own framing and undo it: framings here are immediate. */
  L.Map.addInitHook(function () {
    var fitBounds = this.fitBounds;
    this.fitBounds = function (bounds, options) {
      return fitBounds.call(this, bounds, L.extend({ animate: false }, options));
    };
  });

  function safeColor(color) {
    return COLOR.test(color) ? color : "#555555";
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  /* A div icon that names itself for screen readers (Leaflet gives it role=button). */
  var NamedIcon = L.DivIcon.extend({
    createIcon: function (old) {
      var icon = L.DivIcon.prototype.createIcon.call(this, old);
      icon.setAttribute("aria-label", this.options.label);
      return icon;
    }
  });

  /* offset: [dx, dy] in pixels from the place, for a place set apart from others at its address. */
  function placeIcon(color, offset) {
    var dx = offset ? offset[0] : 0;
    var dy = offset ? offset[1] : 0;
    return L.divIcon({
      className: "place-marker",
      html: '<span style="background:' + safeColor(color) + '"></span>',
      iconSize: [24, 24],
      iconAnchor: [12 - dx, 12 - dy],
      popupAnchor: [0, -12]
    });
  }

  /* A cluster's bubble: its count always inside it (a wider bubble from 1,000 places on). */
  function clusterIcon(count) {
    var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
    var wide = count >= 1000;
    return new NamedIcon({
      html: "<div><span>" + count + "</span></div>",
      className: "marker-cluster marker-cluster-" + size + (wide ? " marker-cluster-wide" : ""),
      iconSize: wide ? L.point(52, 52) : L.point(40, 40),
      label: "Groupe de " + count + " lieux"
    });
  }

  /* Leaflet's controls in French, metric only; two fingers to move the map on a touch screen. */
  function frenchControls(map) {
    L.control.zoom({ zoomInTitle: "Zoom avant", zoomOutTitle: "Zoom arrière" }).addTo(map);
    L.control.scale({ imperial: false }).addTo(map);
    if (map.attributionControl) {
      map.attributionControl.setPrefix('<a href="https://leafletjs.com" hreflang="en">Leaflet</a>');
    }
    if (map.gestureHandling) {
      map.options.gestureHandlingOptions = { text: GESTURES, duration: 1500 };
      map.gestureHandling.enable();
    }
    map.on("popupopen", function (event) {
      var button = event.popup._closeButton;
      if (button) {
        button.setAttribute("aria-label", "Fermer");
        button.title = "Fermer";
      }
    });
  }

  function quantile(sorted, q) {
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))];
  }

  /* The map layer of a finder. data: the page's map data; F: field name → column;
   * options.describe(i) → the popup's content for place i; communeLabel(i); onOpen(i), onClose(i).
   *
   * The places shown are indexed by supercluster (a k-d tree per zoom level, built in one pass:
   * some 2 µs a place), with the options of data.cluster, and only what the view holds is drawn,
   * again at every move: a few dozen markers and clusters, whatever the number of places. The
   * index of every place is kept, so that coming back to « all » (an emptied query, a facet
   * unticked) costs nothing. It is built when the page is idle (prepareFull), or at once when
   * something needs it: until then, the views of every place are drawn from data.firstClusters,
   * the same clusters made at build time (mapdata.py). */
  function Layer(map, data, F, options) {
    this.map = map;
    this.data = data;
    this.F = F;
    this.options = options;
    this.places = data.places;
    this.n = data.places.length;
    this.icons = data.types.map(function (type) { return placeIcon(type.color); });
    this.noClusterZoom = data.cluster.maxZoom + 1; // street level and closer: every place apart (at one address, in a fan)
    this.first = data.firstClusters || {};   // zoom → the clusters of every place made at build time
    this.points = null;                      // supercluster's input, one per place, made once
    this.full = null;                        // the index of every place, once built
    this.index = null;                       // the index of the places shown
    this.shown = new Uint8Array(this.n);     // 1 for a place shown
    this.shownCount = 0;
    this.drawn = {};                         // what is on the map: "c<cluster id>" or "p<place>" → marker
    this.leaves = {};                        // cluster id → the places it holds, once asked (see visibleOf)
    this.layer = L.layerGroup().addTo(map);
    this.opened = -1;
    this.opener = null;    // the element that had the focus when a popup was opened from the keyboard
    this.origin = null;
    this.popup = L.popup({ maxWidth: 300, offset: [0, -4], autoPanPadding: [24, 24] });
    this.popup.on("remove", this.closed, this);
    map.on("moveend", this.draw, this);
    frenchControls(map);
  }

  /* A supercluster index over the places of list (every place when null), with data.cluster's options. */
  Layer.prototype.build = function (list) {
    var places = this.places;
    var F = this.F;
    if (!this.points) {
      this.points = new Array(this.n);
      for (var i = 0; i < this.n; i++) {
        var p = places[i];
        this.points[i] = { type: "Feature", properties: { i: i }, geometry: { type: "Point", coordinates: [p[F.lon], p[F.lat]] } };
      }
    }
    var points = this.points;
    var index = new window.Supercluster(L.extend({}, this.data.cluster));
    return index.load(list ? list.map(function (k) { return points[k]; }) : points);
  };

  Layer.prototype.loaded = function (count) {
    var container = this.map.getContainer();
    container.setAttribute("data-loaded", String(count));
    document.dispatchEvent(new CustomEvent("lieux:map-updated"));
  };

  /* Show the places of list (indexes), or every place when list is null. */
  Layer.prototype.show = function (list) {
    var count = list ? list.length : this.n;
    this.map.getContainer().setAttribute("data-shown", String(count));
    if (this.index && this.same(list)) {
      this.loaded(count);
      return;
    }
    if (this.opened !== -1 && list && list.indexOf(this.opened) === -1) this.map.closePopup(this.popup);
    if (list) {
      this.shown.fill(0);
      for (var k = 0; k < list.length; k++) this.shown[list[k]] = 1;
      this.index = this.build(list);
    } else {
      this.shown.fill(1);
      this.index = this.full || SOON;
    }
    this.shownCount = count;
    this.clear();
    this.draw();
    this.loaded(count);
  };

  /* Whether list (null: every place) holds the places already shown. */
  Layer.prototype.same = function (list) {
    var all = this.index === this.full || this.index === SOON;
    if (!list) return all;
    if (all || list.length !== this.shownCount) return false;
    for (var k = 0; k < list.length; k++) if (!this.shown[list[k]]) return false;
    return true;
  };

  /* The index of every place, built when the page is idle if nothing asked for it before. */
  Layer.prototype.prepareFull = function () {
    if (this.full) return;
    this.full = this.build(null);
    if (this.index === SOON) this.index = this.full;
  };

  /* The index of the places shown (that of every place built now if it was not yet). */
  Layer.prototype.tree = function () {
    if (this.index === SOON) this.prepareFull();
    return this.index;
  };

  /* What the index of every place would give for bbox at zoom, from data.firstClusters; null for
   * a zoom it does not hold. */
  Layer.prototype.firstView = function (bbox, zoom) {
    var level = this.first[zoom];
    if (!level) return null;
    var places = this.places;
    var F = this.F;
    var features = [];
    for (var k = 0; k < level.length; k++) {
      var item = level[k];
      var cluster = typeof item !== "number";
      var lon = cluster ? item[0] : places[item][F.lon];
      var lat = cluster ? item[1] : places[item][F.lat];
      if (lon < bbox[0] || lon > bbox[2] || lat < bbox[1] || lat > bbox[3]) continue;
      features.push({
        type: "Feature", geometry: { type: "Point", coordinates: [lon, lat] },
        properties: cluster ? { cluster: true, cluster_id: item[3], point_count: item[2] } : { i: item }
      });
    }
    return features;
  };

  /* Whether place i is among the places shown. */
  Layer.prototype.has = function (i) {
    return i !== undefined && this.index !== null && this.shown[i] === 1;
  };

  Layer.prototype.clear = function () {
    this.layer.clearLayers();
    this.drawn = {};
    this.leaves = {};
    this.highlighted = null;
  };

  /* Draw what the view holds (with a margin): clusters, and places apart; the rest leaves the map. */
  Layer.prototype.draw = function () {
    if (!this.index) return;
    var zoom = Math.round(this.map.getZoom());
    var box = this.map.getBounds().pad(0.25);
    var bbox = [box.getWest(), box.getSouth(), box.getEast(), box.getNorth()];
    var features = (this.index === SOON && this.firstView(bbox, zoom)) || this.tree().getClusters(bbox, zoom);
    var fans = zoom >= this.noClusterZoom ? this.fans(features) : {};
    var next = {};
    for (var k = 0; k < features.length; k++) {
      var f = features[k];
      var cluster = f.properties.cluster;
      var fan = cluster ? null : fans[f.properties.i];
      var key = cluster ? "c" + f.properties.cluster_id : "p" + f.properties.i + (fan ? "/" + fan.join("/") : "");
      var marker = this.drawn[key];
      if (!marker) {
        marker = cluster ? this.clusterMarker(f) : this.marker(f.properties.i, fan);
        this.layer.addLayer(marker);
      }
      next[key] = marker;
    }
    for (key in this.drawn) if (!next[key]) this.layer.removeLayer(this.drawn[key]);
    this.drawn = next;
  };

  /* Places at one address, at street level: set apart on a small circle around it, each
   * reachable; place → [dx, dy] (its offset in pixels). */
  Layer.prototype.fans = function (features) {
    var at = {};
    var fans = {};
    features.forEach(function (f) {
      if (f.properties.cluster) return;
      var key = f.geometry.coordinates.join(",");
      (at[key] = at[key] || []).push(f.properties.i);
    });
    Object.keys(at).forEach(function (key) {
      var list = at[key];
      if (list.length < 2) return;
      list.sort(function (a, b) { return a - b; });
      var radius = Math.max(20, list.length * 28 / (2 * Math.PI));
      list.forEach(function (i, k) {
        var angle = 2 * Math.PI * k / list.length - Math.PI / 2;
        fans[i] = [Math.round(radius * Math.cos(angle)), Math.round(radius * Math.sin(angle))];
      });
    });
    return fans;
  };

  /* The marker of place i; offset: [dx, dy] when it is set apart from others at its address. */
  Layer.prototype.marker = function (i, offset) {
    var p = this.places[i];
    var F = this.F;
    var type = this.data.types[p[F.type]];
    var commune = this.options.communeLabel(i);
    var icon = offset ? placeIcon(type.color, offset) : this.icons[p[F.type]];
    var marker = L.marker([p[F.lat], p[F.lon]], {
      icon: icon,
      title: p[F.nom] + ", " + type.label.toLowerCase() + (commune ? ", " + commune : ""),
      place: i,
      offset: offset || null,
      autoPanOnFocus: false
    });
    var self = this;
    marker.on("click", function () { self.open(i, { marker: marker }); });
    marker.on("keypress", function (event) {
      if (event.originalEvent && event.originalEvent.keyCode === 13) {
        self.open(i, { marker: marker, focus: true, opener: marker._icon });
      }
    });
    return marker;
  };

  /* A cluster: a button that zooms in until its places come apart (Enter too, and the focus then
   * goes to what is drawn nearest to where it was). */
  Layer.prototype.clusterMarker = function (feature) {
    var id = feature.properties.cluster_id;
    var count = feature.properties.point_count;
    var c = feature.geometry.coordinates;
    var marker = L.marker([c[1], c[0]], { icon: clusterIcon(count), cluster: id, autoPanOnFocus: false });
    var self = this;
    var expand = function (focus) {
      var zoom = Math.min(self.tree().getClusterExpansionZoom(id), self.noClusterZoom);
      var centre = marker.getLatLng();
      self.map.setView(centre, Math.max(zoom, self.map.getZoom() + 1), { animate: false });
      if (focus) self.focusNear(centre);
    };
    marker.on("click", function () { expand(false); });
    marker.on("keypress", function (event) {
      if (event.originalEvent && event.originalEvent.keyCode === 13) expand(true);
    });
    return marker;
  };

  /* Focus the marker or cluster drawn nearest to latlng. */
  Layer.prototype.focusNear = function (latlng) {
    var map = this.map;
    var best = null;
    var distance = Infinity;
    for (var key in this.drawn) {
      var marker = this.drawn[key];
      var d = map.latLngToLayerPoint(marker.getLatLng()).distanceTo(map.latLngToLayerPoint(latlng));
      if (marker._icon && d < distance) {
        best = marker;
        distance = d;
      }
    }
    if (best) best._icon.focus();
  };

  /* The marker on the map that stands for place i: its own, or the cluster that holds it. */
  Layer.prototype.visibleOf = function (i) {
    if (!this.has(i)) return null;
    var own = this.drawn["p" + i];
    if (own) return own;
    var map = this.map;
    var p = this.places[i];
    var at = map.latLngToLayerPoint([p[this.F.lat], p[this.F.lon]]);
    var clusters = [];
    for (var key in this.drawn) {
      if (key.charAt(0) === "c") clusters.push(this.drawn[key]);
      else if (key.split("/")[0] === "p" + i) return this.drawn[key];
    }
    clusters.sort(function (a, b) {
      return map.latLngToLayerPoint(a.getLatLng()).distanceTo(at) - map.latLngToLayerPoint(b.getLatLng()).distanceTo(at);
    });
    for (var k = 0; k < clusters.length; k++) {
      if (this.holds(clusters[k].options.cluster, i)) return clusters[k];
    }
    return null;
  };

  /* Whether cluster id holds place i (its places, asked once per cluster). */
  Layer.prototype.holds = function (id, i) {
    var set = this.leaves[id];
    if (!set) {
      set = this.leaves[id] = {};
      this.tree().getLeaves(id, Infinity).forEach(function (f) { set[f.properties.i] = true; });
    }
    return set[i] === true;
  };

  /* The smallest zoom, from the current one, at which place i stands apart. */
  Layer.prototype.apartZoom = function (i) {
    var p = this.places[i];
    var lat = p[this.F.lat];
    var lon = p[this.F.lon];
    var box = [lon - 1e-5, lat - 1e-5, lon + 1e-5, lat + 1e-5];
    for (var zoom = Math.round(this.map.getZoom()); zoom < this.noClusterZoom; zoom++) {
      var apart = this.tree().getClusters(box, zoom).some(function (f) { return !f.properties.cluster && f.properties.i === i; });
      if (apart) return zoom;
    }
    return Math.max(this.noClusterZoom, Math.round(this.map.getZoom()));
  };

  Layer.prototype.bounds = function (list) {
    var F = this.F;
    var places = this.places;
    var south = 90, west = 180, north = -90, east = -180;
    for (var k = 0; k < list.length; k++) {
      var p = places[list[k]];
      if (p[F.lat] < south) south = p[F.lat];
      if (p[F.lat] > north) north = p[F.lat];
      if (p[F.lon] < west) west = p[F.lon];
      if (p[F.lon] > east) east = p[F.lon];
    }
    return L.latLngBounds([south, west], [north, east]);
  };

  /* Frame the places of list (and the origin of the distances, if any); keep the central 95 %
   * when all of them would only fit at a zoom too far out to be useful (a phone, a wide region). */
  Layer.prototype.frame = function (list, origin) {
    var map = this.map;
    if (!list.length && !origin) return;
    var bounds = list.length ? this.bounds(list) : L.latLngBounds([origin, origin]);
    if (origin) bounds.extend(origin);
    var fit = { padding: [24, 24], maxZoom: FIT_MAX_ZOOM, animate: false };
    if (list.length >= 20 && !origin && map.getBoundsZoom(bounds, false, L.point(48, 48)) < USEFUL_ZOOM) {
      var F = this.F;
      var places = this.places;
      var lats = list.map(function (i) { return places[i][F.lat]; }).sort(function (a, b) { return a - b; });
      var lons = list.map(function (i) { return places[i][F.lon]; }).sort(function (a, b) { return a - b; });
      bounds = L.latLngBounds([quantile(lats, 0.025), quantile(lons, 0.025)],
        [quantile(lats, 0.975), quantile(lons, 0.975)]);
    }
    if (bounds.getNorth() === bounds.getSouth() && bounds.getEast() === bounds.getWest()) {
      map.setView(bounds.getCenter(), PLACE_ZOOM, { animate: false });
    } else {
      map.fitBounds(bounds, fit);
    }
  };

  /* Mark place i (its marker, or the cluster holding it) while its entry of the list is hovered or focused. */
  Layer.prototype.highlight = function (i, on) {
    var visible = this.visibleOf(i);
    var target = visible && visible._icon;
    if (this.highlighted && this.highlighted !== target) L.DomUtil.removeClass(this.highlighted, "is-highlighted");
    this.highlighted = on ? target : null;
    if (target) (on ? L.DomUtil.addClass : L.DomUtil.removeClass)(target, "is-highlighted");
  };

  /* Open the popup of place i. options: marker (the clicked one), focus (move the focus into
   * the popup), opener (where Escape brings the focus back), centre (centre the map on it).
   * Without a marker, the map first zooms in until the place stands apart, and brings it into view. */
  Layer.prototype.open = function (i, options) {
    options = options || {};
    if (!this.has(i)) return;
    var map = this.map;
    var marker = options.marker;
    if (!marker) {
      var p = this.places[i];
      var latlng = L.latLng(p[this.F.lat], p[this.F.lon]);
      var zoom = this.apartZoom(i);
      if (zoom !== Math.round(map.getZoom())) map.setView(options.centre ? latlng : map.getCenter(), zoom, { animate: false });
      if (options.centre || !map.getBounds().contains(latlng)) map.panTo(latlng, { animate: false });
      this.draw();
      marker = this.visibleOf(i);
      if (!marker) return;
    } else if (options.centre) {
      map.panTo(marker.getLatLng(), { animate: false });
    }
    var offset = marker.options.offset || [0, 0];
    this.opened = i;
    this.opener = options.focus ? (options.opener || null) : null;
    this.popup.options.offset = L.point(offset[0], offset[1] - 4);
    this.popup.setLatLng(marker.getLatLng()).setContent(this.options.describe(i)).openOn(map);
    var box = this.popup.getElement();
    if (box && !box.hasAttribute("data-keys")) {
      box.setAttribute("data-keys", "");
      L.DomEvent.on(box, "keydown", this.keydown, this);
    }
    if (options.focus) {
      var first = box && box.querySelector(".place-popup a");
      if (first) first.focus();
    }
    if (this.options.onOpen) this.options.onOpen(i, options);
  };

  Layer.prototype.keydown = function (event) {
    if (event.key === "Escape" || event.keyCode === 27) {
      L.DomEvent.stop(event);
      this.restoreFocus = true;
      this.map.closePopup(this.popup);
    }
  };

  /* After a popup closes: the focus goes back where it came from (the marker, its cluster, or the list). */
  Layer.prototype.closed = function () {
    var i = this.opened;
    var box = this.popup.getElement();
    var hadFocus = this.restoreFocus || (box && box.contains(document.activeElement));
    this.restoreFocus = false;
    this.opened = -1;
    if (hadFocus) {
      var target = this.opener;
      var visible = i === -1 ? null : this.visibleOf(i);
      if (visible && visible._icon && (!target || !document.body.contains(target) || target.closest(".leaflet-marker-pane"))) {
        target = visible._icon;
      }
      if (target && document.body.contains(target)) target.focus();
      else this.map.getContainer().focus();
    }
    this.opener = null;
    if (i !== -1 && this.options.onClose) this.options.onClose(i);
  };

  Layer.prototype.refreshPopup = function () {
    if (this.opened !== -1) this.popup.setContent(this.options.describe(this.opened));
  };

  /* The origin of the distances: a plain dot, not a control (no position is ever sent anywhere). */
  Layer.prototype.setOrigin = function (latlng) {
    if (this.originMarker) {
      this.map.removeLayer(this.originMarker);
      this.originMarker = null;
    }
    this.origin = latlng;
    if (latlng) {
      this.originMarker = L.circleMarker(latlng, {
        radius: 9, color: "#ffffff", weight: 3, fillColor: "#1d2430", fillOpacity: 1, interactive: false,
        className: "origin-marker"
      }).addTo(this.map);
    }
  };

  /* The legend: every type that has places, with its colour in words too, how many are on the
   * map, and how many the map cannot show (not located: the directory lists them). */
  Layer.prototype.legend = function (directoryUrl, open) {
    var data = this.data;
    var control = L.control({ position: "topright" });
    control.onAdd = function () {
      var box = L.DomUtil.create("details", "map-legend");
      if (open) box.open = true;
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      box.appendChild(element("summary", "", "Légende"));
      var list = element("ul");
      var unmapped = [];
      data.types.forEach(function (type) {
        var missing = type.total - type.count;
        if (missing) unmapped.push(missing + "\u00a0" + (missing > 1 ? type.plural : type.label).toLowerCase());
        if (!type.count) return;
        var item = element("li");
        var swatch = element("span", "swatch");
        swatch.style.background = safeColor(type.color);
        item.appendChild(swatch);
        item.appendChild(document.createTextNode(type.plural + "\u00a0: " + type.count));
        list.appendChild(item);
      });
      box.appendChild(list);
      var groups = element("p", "map-legend-groups");
      var sample = element("span", "cluster-sample", "12");
      sample.setAttribute("aria-hidden", "true");
      groups.appendChild(sample);
      groups.appendChild(document.createTextNode("Groupe de lieux proches"));
      box.appendChild(groups);
      if (data.unmapped) {
        // Places without a position: how many, of which types, and where they are listed.
        var note = element("p", "map-legend-unmapped");
        note.appendChild(document.createTextNode(data.unmapped + (data.unmapped > 1 ? " lieux non localisés" : " lieu non localisé") +
          (unmapped.length ? " (" + unmapped.join(", ") + ")" : "") + "\u00a0: "));
        var link = element("a", "", "voir l'annuaire");
        link.href = directoryUrl;
        note.appendChild(link);
        box.appendChild(note);
      }
      return box;
    };
    control.addTo(this.map);
    return control;
  };

  window.PlacesMap = { Layer: Layer, safeColor: safeColor, element: element };
})();
