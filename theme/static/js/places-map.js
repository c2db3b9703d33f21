/* The places on the home page's map and on the embedded map: clustered markers, one shared
 * popup, the legend, and Leaflet's controls in French (window.PlacesMap).
 *
 * find.js decides which places are shown (show), which is highlighted (highlight) and which is
 * opened (open); this file draws them. Two marker groups: every place (built once, kept to come
 * back to « all » at once) and the current selection (rebuilt by difference). Every marker and
 * cluster is a keyboard button with a text name (« Le Jack, fablab, Montreuil », « Groupe de
 * 12 lieux »); Enter opens a marker's popup with the focus inside, Escape closes it and gives
 * the focus back. Every text is inserted with textContent, never as HTML. */
(function () {
  "use strict";

  var COLOR = /^#[0-9a-fA-F]{6}$/;
  var PLACE_ZOOM = 16;   // a single place, or a place opened from the list
  var NO_CLUSTER_ZOOM = 16;
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

  function placeIcon(color) {
    return L.divIcon({
      className: "place-marker",
      html: '<span style="background:' + safeColor(color) + '"></span>',
      iconSize: [24, 24],
      iconAnchor: [12, 12],
      popupAnchor: [0, -12]
    });
  }

  function clusterIcon(cluster) {
    var count = cluster.getChildCount();
    var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
    var label = "Groupe de " + count + " lieux";
    return new NamedIcon({
      html: "<div><span>" + count + "</span></div>",
      className: "marker-cluster marker-cluster-" + size,
      iconSize: L.point(40, 40),
      label: label
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
   * Two marker groups, because re-clustering is what costs (some 20 µs a place): the working
   * group, which starts with every place and then follows the selection by difference (taking
   * places away costs less than half of adding them), or from scratch when that is cheaper; and,
   * built when the page is idle on a hidden map, a group of every place that is never changed, so
   * that coming back to « all » (an emptied query, a facet unticked) costs nothing. */
  function Layer(map, data, F, options) {
    this.map = map;
    this.data = data;
    this.F = F;
    this.options = options;
    this.places = data.places;
    this.n = data.places.length;
    this.icons = data.types.map(function (type) { return placeIcon(type.color); });
    this.work = null;                        // the working group
    this.workMarkers = new Array(this.n);
    this.workShown = new Uint8Array(this.n);
    this.workCount = 0;
    this.full = null;                        // every place, unchanged, once built
    this.fullMarkers = null;
    this.fullReady = false;
    this.current = null;                     // the group on the map
    this.opened = -1;
    this.opener = null;    // the element that had the focus when a popup was opened from the keyboard
    this.origin = null;
    this.pending = [];     // callbacks waiting for the markers to be loaded
    this.loading = false;
    this.popup = L.popup({ maxWidth: 300, offset: [0, -4], autoPanPadding: [24, 24] });
    this.popup.on("remove", this.closed, this);
    frenchControls(map);
  }

  /* A marker cluster group; onLoaded runs when a (chunked) addition is complete. */
  Layer.prototype.group = function (onLoaded, chunkInterval) {
    var self = this;
    var group = L.markerClusterGroup({
      chunkedLoading: true,
      chunkInterval: chunkInterval || 200,
      chunkProgress: function (done, total) { if (done === total) onLoaded(total); },
      showCoverageOnHover: false,
      maxClusterRadius: 50,
      // Street level and closer: every place apart (places at one address still open like a fan
      // at the zoom below). Clustering fewer zoom levels makes each update much faster.
      disableClusteringAtZoom: NO_CLUSTER_ZOOM,
      iconCreateFunction: clusterIcon
    });
    group.on("click", function (event) { self.open(event.layer.options.place, { marker: event.layer }); });
    group.on("keypress", function (event) {
      if (event.originalEvent && event.originalEvent.keyCode === 13) {
        self.open(event.layer.options.place, { marker: event.layer, focus: true, opener: event.layer._icon });
      }
    });
    return group;
  };

  Layer.prototype.loaded = function () {
    var container = this.map.getContainer();
    var self = this;
    return function () {
      container.setAttribute("data-loaded", container.getAttribute("data-shown"));
      self.loading = false;
      document.dispatchEvent(new CustomEvent("lieux:map-updated"));
      self.flush();
    };
  };

  Layer.prototype.marker = function (i) {
    var p = this.places[i];
    var F = this.F;
    var type = this.data.types[p[F.type]];
    var commune = this.options.communeLabel(i);
    return L.marker([p[F.lat], p[F.lon]], {
      icon: this.icons[p[F.type]],
      title: p[F.nom] + ", " + type.label.toLowerCase() + (commune ? ", " + commune : ""),
      place: i,
      autoPanOnFocus: false
    });
  };

  Layer.prototype.workMarker = function (i) {
    return this.workMarkers[i] || (this.workMarkers[i] = this.marker(i));
  };

  /* Run fn once the markers of the shown group are all in it (at once unless still chunk-loading). */
  Layer.prototype.whenLoaded = function (fn) {
    if (this.loading) this.pending.push(fn);
    else fn();
  };

  Layer.prototype.flush = function () {
    while (this.pending.length && !this.loading) this.pending.shift()();
  };

  Layer.prototype.swap = function (group) {
    if (this.current === group) return;
    if (this.current) this.map.removeLayer(this.current);
    this.current = group;
    this.map.addLayer(group);
  };

  /* Show the places of list (indexes), or every place when list is null. A group still being
   * filled (chunked loading of many markers) cannot leave the map: the last request waits for it. */
  Layer.prototype.show = function (list) {
    var self = this;
    if (!this.loading) {
      this.showNow(list);
      return;
    }
    var waiting = this.queued !== undefined;
    this.queued = list;
    if (!waiting) {
      this.pending.push(function () {
        var last = self.queued;
        self.queued = undefined;
        self.showNow(last);
      });
    }
  };

  Layer.prototype.showNow = function (list) {
    var container = this.map.getContainer();
    container.setAttribute("data-shown", String(list ? list.length : this.n));
    if (this.opened !== -1 && list && list.indexOf(this.opened) === -1) this.map.closePopup(this.popup);
    if (!list && this.current === this.work && this.workCount === this.n) {
      container.setAttribute("data-loaded", String(this.n));
      return;
    }
    if (!list && this.fullReady) {
      if (this.hidden) {  // its first showing: from the hidden map to this one
        this.hidden.removeLayer(this.full);
        this.hidden.remove();
        this.hidden.getContainer().parentNode.removeChild(this.hidden.getContainer());
        this.hidden = null;
      }
      this.swap(this.full);
      container.setAttribute("data-loaded", String(this.n));
      return;
    }
    if (!list) {
      list = new Array(this.n);
      for (var i = 0; i < this.n; i++) list[i] = i;
    }
    this.follow(list);
  };

  /* The working group shows list: by difference, or from scratch when that costs less. */
  Layer.prototype.follow = function (list) {
    var wanted = new Uint8Array(this.n);
    var shown = this.workShown;
    var add = [];
    var remove = [];
    var k, i;
    for (k = 0; k < list.length; k++) wanted[list[k]] = 1;
    if (!this.work) this.work = this.group(this.loaded(), 50);  // short chunks: the first clusters come sooner
    for (k = 0; k < list.length; k++) if (!shown[list[k]]) add.push(list[k]);
    var removing = this.workCount - (list.length - add.length);
    // Costs in « additions »: taking a place away ~0.45, emptying the group ~0.1 a place.
    var scratch = removing * 0.45 + add.length > list.length + this.workCount * 0.1;
    if (scratch) {
      this.work.clearLayers();
      shown.fill(0);
      add = list;
    } else if (removing) {
      for (i = 0; i < this.n; i++) if (shown[i] && !wanted[i]) remove.push(i);
    }
    var markers = this.workMarkers;
    var self = this;
    var container = this.map.getContainer();
    this.swap(this.work);
    this.workCount = list.length;
    for (k = 0; k < remove.length; k++) shown[remove[k]] = 0;
    for (k = 0; k < add.length; k++) shown[add[k]] = 1;
    if (!remove.length && !add.length) {
      container.setAttribute("data-loaded", String(list.length));
      return;
    }
    if (remove.length) this.work.removeLayers(remove.map(function (j) { return markers[j]; }));
    if (!add.length) {
      container.setAttribute("data-loaded", String(list.length));
      document.dispatchEvent(new CustomEvent("lieux:map-updated"));
      return;
    }
    // Additions are chunked by the group itself (clusters appear as they come); requests wait meanwhile.
    this.loading = true;
    container.removeAttribute("data-loaded");
    this.work.addLayers(add.map(function (j) { return self.workMarker(j); }));
  };

  /* When the page is idle: every place clustered once on a hidden map, kept to come back to. */
  Layer.prototype.prepareFull = function () {
    if (this.full || !this.n) return;
    var box = document.createElement("div");
    box.setAttribute("aria-hidden", "true");
    box.style.cssText = "position:absolute;left:-10000px;top:0;width:0;height:0;overflow:hidden;visibility:hidden";
    document.body.appendChild(box);
    var main = this.map;
    this.hidden = L.map(box, {
      minZoom: main.getMinZoom(), maxZoom: main.getMaxZoom(), zoomControl: false, attributionControl: false,
      keyboard: false, zoomAnimation: false, fadeAnimation: false, markerZoomAnimation: false
    }).setView(main.getCenter(), main.getZoom());
    var self = this;
    this.full = this.group(function () { self.fullReady = true; }, 40);
    this.fullMarkers = new Array(this.n);
    for (var i = 0; i < this.n; i++) this.fullMarkers[i] = this.marker(i);
    this.hidden.addLayer(this.full);
    this.full.addLayers(this.fullMarkers);
  };

  /* The marker of place i in the group on the map, if it is there. */
  Layer.prototype.markerOf = function (i) {
    if (this.current && this.current === this.full) return this.fullMarkers[i];
    return this.workShown[i] ? this.workMarkers[i] : null;
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
    var marker = this.markerOf(i);
    var group = this.current;
    if (!marker || !group || !marker.__parent) return;
    var visible = group.getVisibleParent(marker);
    var target = visible && visible._icon;
    if (this.highlighted && this.highlighted !== target) L.DomUtil.removeClass(this.highlighted, "is-highlighted");
    this.highlighted = on ? target : null;
    if (target) (on ? L.DomUtil.addClass : L.DomUtil.removeClass)(target, "is-highlighted");
  };

  /* Open the popup of place i. options: marker (the clicked one), focus (move the focus into
   * the popup), opener (where Escape brings the focus back), centre (centre the map on it). */
  Layer.prototype.open = function (i, options) {
    var self = this;
    options = options || {};
    this.whenLoaded(function () {
      var marker = options.marker || self.markerOf(i);
      if (!marker) return;
      var show = function () {
        if (options.centre) self.map.panTo(marker.getLatLng(), { animate: false });
        self.opened = i;
        self.opener = options.focus ? (options.opener || null) : null;
        self.popup.setLatLng(marker.getLatLng()).setContent(self.options.describe(i)).openOn(self.map);
        var box = self.popup.getElement();
        if (box && !box.hasAttribute("data-keys")) {
          box.setAttribute("data-keys", "");
          L.DomEvent.on(box, "keydown", self.keydown, self);
        }
        if (options.focus) {
          var first = box && box.querySelector(".place-popup a");
          if (first) first.focus();
        }
        if (self.options.onOpen) self.options.onOpen(i, options);
      };
      if (options.marker) show();
      else self.current.zoomToShowLayer(marker, show);
    });
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
      var marker = i === -1 ? null : this.markerOf(i);
      if (marker && marker.__parent && this.current) {
        var visible = this.current.getVisibleParent(marker);
        if (visible && visible._icon && (!target || !document.body.contains(target) || target.closest(".leaflet-marker-pane"))) {
          target = visible._icon;
        }
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
