/* « Trouver un lieu »: the home page's search box, facets and results list beside the map, and
 * the embedded map (window.PlacesFind).
 *
 * Every state is a link: the query, the facets, the place opened and the map's view live in
 * the address (?q=…&type=fablab&dep=93&lieu=…&vue=zoom/lat/lon), Back and Forward restore
 * them, and the directory reads the same names. A position given by the browser never leaves
 * it: only a commune or a postcode chosen by the reader goes to the address (« pres »).
 *
 * The map's data is a file (columns named in MAP_FIELDS, outputs/mapview.py); the text a
 * query searches is fetched once, on the first focus of the search box or when the page is idle
 * (lieux-recherche.json, outputs/find.py): the map never waits for it. One pass over the places
 * gives the results and every facet's counts; the list shows 50 results at a time. */
(function () {
  "use strict";

  var T = window.LieuxFind;
  var E = window.PlacesMap.element;
  var PAGE = 50;
  var NEAREST = 10;       // near me: the map frames the origin and this many nearest places
  var PARAMS = ["q", "type", "dep", "commune", "service", "fermes", "pres", "lieu", "vue"];
  var PHONE = "(max-width: 47.99rem)";

  function kilometres(a, b, c, d) {
    var rad = Math.PI / 180;
    var h = Math.pow(Math.sin((c - a) * rad / 2), 2) +
      Math.cos(a * rad) * Math.cos(c * rad) * Math.pow(Math.sin((d - b) * rad / 2), 2);
    return 12742 * Math.asin(Math.sqrt(h));
  }

  /* « 850 m », « 3,2 km », « 12 km ». */
  function distanceText(km) {
    if (km < 1) return Math.max(10, Math.round(km * 100) * 10) + "\u00a0m";
    if (km < 10) return km.toFixed(1).replace(".", ",") + "\u00a0km";
    return Math.round(km) + "\u00a0km";
  }

  /* fn, once the next frame is drawn (at once in a hidden page, which draws none; the timer is there
   * should the page be hidden before). */
  function afterFrame(fn) {
    var done = false;
    var run = function () {
      if (done) return;
      done = true;
      fn();
    };
    if (document.hidden || !window.requestAnimationFrame) {
      setTimeout(run, 0);
      return;
    }
    requestAnimationFrame(function () { setTimeout(run, 0); });
    setTimeout(run, 1000);
  }

  function ordinal(n) {
    return n + (n === 1 ? "er" : "e");
  }

  /* The map's data comes as columns (outputs/mapview.py): one row per place again, every département
   * filled in (a département left out is its commune's). An id left out is the slug of the name,
   * made when it is first needed (Finder.idOf): 50,000 slugs would delay the first clusters. */
  function placeRows(data) {
    var fields = data.fields;
    var columns = fields.map(function (name) { return data.columns[name]; });
    var n = columns[0].length;
    var m = fields.length;
    var rows = new Array(n);
    var dep = fields.indexOf("dep"), commune = fields.indexOf("commune");
    var communeDeps = data.communeDeps;
    for (var i = 0; i < n; i++) {
      var row = new Array(m);
      for (var f = 0; f < m; f++) row[f] = columns[f][i];
      if (row[dep] === null) row[dep] = communeDeps[row[commune]];
      rows[i] = row;
    }
    data.places = rows;
    delete data.columns;
    return data;
  }

  function Finder(map, script, data) {
    this.map = map;
    this.data = data;
    this.base = script.getAttribute("data-base") || "";
    this.searchUrl = script.getAttribute("data-search");
    this.directoryUrl = script.getAttribute("data-directory") || this.base;
    this.embed = script.hasAttribute("data-embed");
    var F = this.F = {};
    this.data.fields.forEach(function (name, index) { F[name] = index; });
    this.places = this.data.places;
    this.n = this.places.length;
    this.root = document.getElementById("finder") || document.body;
    this.form = document.getElementById("finder-form");
    this.list = document.getElementById("finder-results");
    this.count = document.getElementById("finder-count");
    this.more = document.getElementById("finder-more");
    this.texts = null;         // the searchable text of each place, once the search data is here
    this.descriptions = null;
    this.searcher = null;
    this.loading = null;       // the promise of the search data
    this.results = [];
    this.shown = 0;
    this.origin = null;        // {lat, lon, label, pres}
    this.distances = null;
    this.lastDuration = 0;
    this.timer = 0;
    this.typing = 0;           // the end of the current burst of typing (one history entry per burst)
    this.userMoved = false;
    this.framing = false;
    this.writeTimer = 0;
    this.writePush = false;
    this.schedulePush = false;
    var self = this;
    this.byId = null;          // id → place, made when an address names a place
    this.communeKeys = this.data.communes.map(function (name) { return T.fold(name); });
    this.layer = new window.PlacesMap.Layer(map, this.data, F, {
      describe: function (i) { return self.describe(i); },
      communeLabel: function (i) { return self.communeLabel(i); },
      onOpen: function (i) { self.opened(i); },
      onClose: function (i) { self.closedPlace(i); }
    });
    this.layer.legend(this.directoryUrl, !window.matchMedia(PHONE).matches && !this.embed);
    map.getContainer().setAttribute("data-places", String(this.n));
    this.state = this.read(window.location.search);
    this.bind();
    // The map first: when the address shows every place, their clusters are drawn at once, and the
    // results (list, counts, facets) are worked out once that frame is drawn.
    if (this.everyPlace()) {
      this.drawFirst();
      afterFrame(function () { self.restoreFirst(); });
    } else {
      this.restoreFirst();
    }
  }

  /* The state of the address applied; the search data asked for at once if it needs it, else when idle. */
  Finder.prototype.restoreFirst = function () {
    var self = this;
    this.restore(true);
    if (this.state.q || /^\d{5}$/.test(this.state.pres)) this.load();
    this.whenIdle(function () {
      self.load();
      self.layer.prepareFull();
    });
  };

  /* Whether the address shows every place on the map: no facet, no place, no origin (a query shows
   * every place until the search data is here), and no closed place hidden. */
  Finder.prototype.everyPlace = function () {
    var s = this.state;
    var facets = Object.keys(s.types).length || s.dep !== -1 || s.commune !== -1 || s.service !== -1;
    if (facets || s.pres || s.lieu) return false;
    if (s.closed) return true;
    for (var i = 0; i < this.n; i++) if (this.places[i][this.F.ferme]) return false;
    return true;
  };

  /* Every place on the map, framed as the first update frames them, or at the view of the address. */
  Finder.prototype.drawFirst = function () {
    var s = this.state;
    var layer = this.layer;
    var all = new Array(this.n);
    for (var i = 0; i < this.n; i++) all[i] = i;
    this.moveMap(function (map) {
      if (s.view) map.setView([s.view.lat, s.view.lon], s.view.zoom, { animate: false });
      else layer.frame(all, null);
    });
    layer.show(null);
  };

  /* The id of place i: as the data gives it, or the slug of its name (kept once made). */
  Finder.prototype.idOf = function (i) {
    var p = this.places[i];
    var F = this.F;
    if (p[F.id] === null) p[F.id] = T.slug(p[F.nom]);
    return p[F.id];
  };

  /* The place whose id is id (undefined if none). */
  Finder.prototype.placeOf = function (id) {
    if (!this.byId) {
      this.byId = Object.create(null);
      for (var i = 0; i < this.n; i++) this.byId[this.idOf(i)] = i;
    }
    return this.byId[id];
  };

  /* ---- The address: read and written with the same names as the directory's form. ---- */

  Finder.prototype.read = function (search) {
    var params = new URLSearchParams(search);
    var data = this.data;
    var types = {};
    params.getAll("type").forEach(function (value) {
      value.split(",").forEach(function (code) {
        data.types.forEach(function (type, i) { if (type.code === code) types[i] = true; });
      });
    });
    var find = function (list, value) {
      for (var i = 0; i < list.length; i++) if (list[i].code === value) return i;
      return -1;
    };
    var commune = params.get("commune") ? this.communeKeys.indexOf(T.fold(params.get("commune"))) : -1;
    var view = /^(\d{1,2})\/(-?\d+(?:\.\d+)?)\/(-?\d+(?:\.\d+)?)$/.exec(params.get("vue") || "");
    var lieu = params.get("lieu");
    return {
      q: params.get("q") || "",
      types: types,
      dep: find(data.departements, params.get("dep")),
      commune: commune,
      service: find(data.services, params.get("service")),
      closed: params.get("fermes") === "1",
      pres: (params.get("pres") || "").trim(),
      lieu: lieu && this.placeOf(lieu) !== undefined ? lieu : "",
      view: view ? { zoom: +view[1], lat: +view[2], lon: +view[3] } : null
    };
  };

  /* The parameters of the state; « which » lists the names to keep (all by default). */
  Finder.prototype.params = function (which) {
    var s = this.state;
    var data = this.data;
    var params = new URLSearchParams();
    var keep = function (name) { return !which || which.indexOf(name) !== -1; };
    if (s.q && keep("q")) params.set("q", s.q);
    if (keep("type")) {
      data.types.forEach(function (type, i) { if (s.types[i]) params.append("type", type.code); });
    }
    if (s.dep !== -1 && keep("dep")) params.set("dep", data.departements[s.dep].code);
    if (s.commune !== -1 && keep("commune")) params.set("commune", data.communes[s.commune]);
    if (s.service !== -1 && keep("service")) params.set("service", data.services[s.service].code);
    if (s.closed && keep("fermes")) params.set("fermes", "1");
    if (s.pres && this.origin && this.origin.pres && keep("pres")) params.set("pres", s.pres);
    if (s.lieu && keep("lieu")) params.set("lieu", s.lieu);
    if (s.view && keep("vue") && !(this.origin && !this.origin.pres)) {
      params.set("vue", s.view.zoom + "/" + s.view.lat.toFixed(5) + "/" + s.view.lon.toFixed(5));
    }
    return params;
  };

  function query(params) {
    var text = params.toString();
    return text ? "?" + text : "";
  }

  /* Write the state to the address: a new history entry (push) or the current one (replace).
   * The embedded map never writes: it would add entries to the history of the page around it. */
  Finder.prototype.write = function (push) {
    var self = this;
    this.links();
    if (this.embed) return;
    // After the update is painted (the history API is not free); a push wins over a replace.
    this.writePush = this.writePush || push;
    if (this.writeTimer) return;
    this.writeTimer = setTimeout(function () {
      var url = window.location.pathname + query(self.params()) + window.location.hash;
      if (url !== window.location.pathname + window.location.search + window.location.hash) {
        window.history[self.writePush ? "pushState" : "replaceState"](null, "", url);
      }
      self.writeTimer = 0;
      self.writePush = false;
    }, 0);
  };

  /* ---- The form ---- */

  Finder.prototype.bind = function () {
    var self = this;
    var map = this.map;
    window.addEventListener("popstate", function () {
      self.state = self.read(window.location.search);
      self.restore(false);
    });
    var container = map.getContainer();
    ["pointerdown", "wheel", "keydown", "touchstart"].forEach(function (type) {
      container.addEventListener(type, function (event) {
        if (!event.target.closest || !event.target.closest(".map-legend")) self.userMoved = true;
      }, { passive: true });
    });
    map.on("moveend", function () {
      if (self.framing || !self.userMoved) return;
      var centre = map.getCenter();
      self.state.view = { zoom: map.getZoom(), lat: centre.lat, lon: centre.lng };
      self.write(false);
    });
    if (this.list) this.bindList();
    if (!this.form) return;
    var form = this.form;
    var q = form.elements.q;
    q.addEventListener("focus", function () { self.load(); });
    q.addEventListener("input", function () {
      var now = Date.now();
      var push = now > self.typing;
      self.typing = now + 1500;
      self.state.q = q.value;
      self.state.lieu = "";
      self.state.view = null;
      self.schedule(push);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.state.q = q.value;
      self.update({ push: true, frame: true });
      if (window.matchMedia(PHONE).matches) self.switchTo("liste");
    });
    form.addEventListener("change", function (event) {
      var target = event.target;
      if (target === q || target.name === "pres") return;
      self.fromForm();
      self.state.lieu = "";
      self.state.view = null;
      self.update({ push: true, frame: true });
    });
    var pres = form.elements.pres;
    if (pres) {
      pres.addEventListener("change", function () { self.near(pres.value); });
      pres.addEventListener("keydown", function (event) {
        if (event.key === "Enter") {
          event.preventDefault();
          self.near(pres.value);
        }
      });
    }
    var button = document.getElementById("finder-near");
    if (button) button.addEventListener("click", function () { self.locate(button); });
    var clear = document.getElementById("finder-near-clear");
    if (clear) clear.addEventListener("click", function () { self.near(""); if (pres) pres.focus(); });
    var reset = document.getElementById("finder-reset");
    if (reset) {
      reset.addEventListener("click", function () {
        self.state = self.read("");
        self.setOrigin(null);
        self.restore(false);
        self.write(true);
        q.focus();
      });
    }
    var toggle = document.getElementById("finder-facets-toggle");
    if (toggle) {
      toggle.addEventListener("click", function () {
        var open = toggle.getAttribute("aria-expanded") !== "true";
        toggle.setAttribute("aria-expanded", String(open));
        self.root.classList.toggle("facets-open", open);
      });
    }
    Array.prototype.forEach.call(document.querySelectorAll(".finder-switch button"), function (b) {
      b.addEventListener("click", function () { self.switchTo(b.getAttribute("data-view")); });
    });
    ["focus", "pointerdown", "keydown"].forEach(function (type) {
      form.elements.commune.addEventListener(type, function () { self.renderCommunes(); });
    });
    // The communes offered to « près de »: written when the field is first used, not before the map is drawn.
    var datalist = document.getElementById("finder-communes");
    var input = datalist && document.querySelector('[list="finder-communes"]');
    var communes = this.data.communes;
    var fill = function () {
      if (datalist.hasChildNodes()) return;
      var fragment = document.createDocumentFragment();
      communes.forEach(function (name) {
        var option = document.createElement("option");
        option.value = name;
        fragment.appendChild(option);
      });
      datalist.appendChild(fragment);
    };
    if (input) {
      ["focus", "pointerdown", "keydown"].forEach(function (type) { input.addEventListener(type, fill); });
    }
  };

  /* The facets' values from the form's controls. */
  Finder.prototype.fromForm = function () {
    var form = this.form;
    var s = this.state;
    var data = this.data;
    s.types = {};
    Array.prototype.forEach.call(form.querySelectorAll("input[name=type]"), function (box) {
      if (!box.checked) return;
      data.types.forEach(function (type, i) { if (type.code === box.value) s.types[i] = true; });
    });
    s.dep = form.elements.dep.selectedIndex - 1;
    s.commune = form.elements.commune.value ? this.communeKeys.indexOf(T.fold(form.elements.commune.value)) : -1;
    s.service = form.elements.service.selectedIndex - 1;
    s.closed = form.elements.fermes.checked;
  };

  /* The form's controls from the state (at load and on Back/Forward). */
  Finder.prototype.toForm = function () {
    var form = this.form;
    if (!form) return;
    var s = this.state;
    var data = this.data;
    form.elements.q.value = s.q;
    Array.prototype.forEach.call(form.querySelectorAll("input[name=type]"), function (box) {
      box.checked = data.types.some(function (type, i) { return s.types[i] && type.code === box.value; });
    });
    form.elements.dep.selectedIndex = s.dep + 1;
    form.elements.service.selectedIndex = s.service + 1;
    form.elements.fermes.checked = s.closed;
    if (form.elements.pres) form.elements.pres.value = s.pres;
  };

  /* Apply the state, as read from the address: controls, origin, results, view and popup. */
  Finder.prototype.restore = function (first) {
    var self = this;
    var s = this.state;
    this.toForm();
    if (!s.pres && this.origin && this.origin.pres) this.setOrigin(null);
    if (s.pres && (!this.origin || this.origin.pres !== s.pres)) {
      this.resolve(s.pres, function (origin) {
        self.setOrigin(origin);
        self.restoreView(first);
      });
      return;
    }
    this.restoreView(first);
  };

  Finder.prototype.restoreView = function (first) {
    var s = this.state;
    this.update({ frame: !s.view && !s.lieu });
    if (s.view) {
      this.moveMap(function (map) { map.setView([s.view.lat, s.view.lon], s.view.zoom, { animate: false }); });
    }
    if (s.lieu) {
      var i = this.placeOf(s.lieu);
      if (this.layer.has(i)) {
        this.layer.open(i, { centre: !s.view });
      } else if (first) {
        s.lieu = "";
      }
    } else if (this.layer.opened !== -1) {
      this.map.closePopup();
    }
  };

  /* Moves of the map made here are not the reader's: they do not write the view to the address. */
  Finder.prototype.moveMap = function (move) {
    this.framing = true;
    try {
      move(this.map);
    } finally {
      this.framing = false;
    }
    this.userMoved = false;
  };

  /* Typing: one update as soon as the page is free, with the latest text. Keys typed while an
   * update runs wait for it, then count as one: the list and the map follow the typing, each step
   * a small difference from the one before, and never lag behind by more than one update. */
  Finder.prototype.schedule = function (push) {
    var self = this;
    this.schedulePush = this.schedulePush || push;
    if (this.timer) return;
    this.timer = setTimeout(function () {
      var pushing = self.schedulePush;
      self.timer = 0;
      self.schedulePush = false;
      self.update({ push: pushing, frame: true, replace: !pushing });
    }, 0);
  };

  /* ---- Searching ---- */

  Finder.prototype.whenIdle = function (fn) {
    if (window.requestIdleCallback) window.requestIdleCallback(fn, { timeout: 4000 });
    else setTimeout(fn, 1500);
  };

  /* The search data, fetched once; every place's text made searchable. */
  Finder.prototype.load = function () {
    var self = this;
    if (this.loading) return this.loading;
    if (!this.searchUrl || !window.fetch) return (this.loading = Promise.resolve(false));
    this.root.setAttribute("data-search-state", "loading");
    this.loading = fetch(this.searchUrl, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    }).then(function (search) {
      var S = {};
      search.fields.forEach(function (name, index) { S[name] = index; });
      var texts = new Array(self.n);
      var heads = new Array(self.n);
      var descriptions = new Array(self.n);
      search.places.forEach(function (row) {
        var i = self.placeOf(row[S.id]);
        if (i === undefined) return;
        heads[i] = " " + T.words(row[S.nom]) + " ";
        texts[i] = heads[i] + T.words(row[S.texte]) + " " + T.words(T.fold(row[S.description])) + " ";
        descriptions[i] = row[S.description];
      });
      for (var i = 0; i < self.n; i++) if (texts[i] === undefined) texts[i] = heads[i] = " ";
      self.texts = texts;
      self.heads = heads;
      self.descriptions = descriptions;
      self.searcher = new T.Searcher(search.synonyms, search.arrondissements);
      self.root.setAttribute("data-search-state", "ready");
      if (self.state.q) self.update({ frame: !self.state.view && !self.state.lieu });
      self.layer.refreshPopup();
      return true;
    }).catch(function () {
      self.root.setAttribute("data-search-state", "error");
      if (self.count) self.count.textContent = "La recherche n'a pas pu être chargée : l'annuaire liste tous les lieux.";
      return false;
    });
    return this.loading;
  };

  /* The test a place passes to match the query; null when every place does. */
  Finder.prototype.matcher = function () {
    this.units = null;
    if (!this.state.q.trim() || !this.searcher) return null;
    var units = this.searcher.compile(this.state.q);
    if (!units.length) return null;
    this.units = units;
    var texts = this.texts;
    return function (i) { return T.matches(texts[i], units); };
  };

  Finder.prototype.facets = function () {
    var s = this.state;
    var F = this.F;
    var places = this.places;
    var data = this.data;
    var any = Object.keys(s.types).length > 0;
    var c = this.counts = {
      types: new Array(data.types.length).fill(0),
      deps: new Array(data.departements.length).fill(0),
      communes: new Array(data.communes.length).fill(0),
      services: new Array(data.services.length).fill(0),
      closed: 0
    };
    var serviceBit = s.service === -1 ? 0 : 1 << s.service;
    var serviceCount = data.services.length;
    return [
      { pass: function (i) { return !any || s.types[places[i][F.type]] === true; },
        count: function (i) { c.types[places[i][F.type]] += 1; } },
      { pass: function (i) { return s.dep === -1 || places[i][F.dep] === s.dep; },
        count: function (i) { if (places[i][F.dep] !== -1) c.deps[places[i][F.dep]] += 1; } },
      { pass: function (i) { return s.commune === -1 || places[i][F.commune] === s.commune; },
        count: function (i) { if (places[i][F.commune] !== -1) c.communes[places[i][F.commune]] += 1; } },
      { pass: function (i) { return !serviceBit || (places[i][F.services] & serviceBit) !== 0; },
        count: function (i) {
          var bits = places[i][F.services];
          for (var b = 0; bits && b < serviceCount; b++) if (bits & (1 << b)) c.services[b] += 1;
        } },
      { pass: function (i) { return s.closed || !places[i][F.ferme]; },
        count: function (i) { if (places[i][F.ferme]) c.closed += 1; } }
    ];
  };

  /* One update: results and counts in one pass, then the list, the facets, the map and the address. */
  Finder.prototype.update = function (options) {
    options = options || {};
    var start = performance.now();
    clearTimeout(this.timer);
    this.timer = 0;
    var waiting = !!this.state.q.trim() && !this.searcher;
    this.results = T.tally(this.n, this.matcher(), this.facets());
    if (this.origin) {
      var d = this.distances;
      this.results.sort(function (a, b) { return d[a] - d[b]; });
    } else if (this.units && this.units.length) {
      this.rank();
    }
    this.layer.show(this.results.length === this.n ? null : this.results);  // the map first: it is what shows first
    this.renderCount(waiting);
    this.renderFacets();
    this.renderList();
    if (options.frame) this.frame();
    if (options.push || options.replace) this.write(!!options.push);
    else this.links();
    this.lastDuration = performance.now() - start;
    this.root.setAttribute("data-results", String(this.results.length));
    document.dispatchEvent(new CustomEvent("lieux:updated", {
      detail: { count: this.results.length, q: this.state.q, waiting: waiting, ms: this.lastDuration }
    }));
  };

  /* Places whose name, commune or type hold more of the query first; then in name order. */
  Finder.prototype.rank = function () {
    var heads = this.heads;
    var units = this.units;
    var buckets = [];
    this.results.forEach(function (i) {
      var s = units.length - T.score(heads[i], units);
      (buckets[s] = buckets[s] || []).push(i);
    });
    this.results = [].concat.apply([], buckets.filter(Boolean));
  };

  Finder.prototype.frame = function () {
    var self = this;
    var list = this.results;
    var origin = this.origin ? [this.origin.lat, this.origin.lon] : null;
    if (origin) list = list.slice(0, NEAREST);
    if (!list.length && !origin) return;
    this.state.view = null;
    this.moveMap(function () { self.layer.frame(list, origin); });
  };

  /* ---- Rendering ---- */

  Finder.prototype.communeLabel = function (i) {
    var p = this.places[i];
    var F = this.F;
    var name = p[F.commune] === -1 ? "" : this.data.communes[p[F.commune]];
    return name && p[F.arr] ? name + " " + ordinal(p[F.arr]) : name;
  };

  Finder.prototype.url = function (i) {
    return this.base + this.data.placeUrl.replace("{id}", this.idOf(i));
  };

  Finder.prototype.renderCount = function (waiting) {
    if (!this.count) return;
    var n = this.results.length;
    var text;
    if (waiting) text = "Chargement de la recherche…";
    else if (!n) text = "Aucun lieu ne correspond à ces critères.";
    else text = T.places(n) + (this.embed ? " sur la carte" : "") +
      (this.origin ? ", du plus proche au plus éloigné de " + this.origin.label : "");
    if (!this.state.closed && this.counts.closed) {
      text += " (" + this.counts.closed + (this.counts.closed > 1 ? " fermés masqués)" : " fermé masqué)");
    }
    if (this.count.textContent !== text) this.count.textContent = text;
    var switchList = document.querySelector(".finder-switch [data-view=liste] .count");
    if (switchList) switchList.textContent = " (" + n + ")";
  };

  function setCount(node, value) {
    if (node && node.textContent !== value) node.textContent = value;
  }

  Finder.prototype.renderFacets = function () {
    var form = this.form;
    if (!form) return;
    var c = this.counts;
    var data = this.data;
    var s = this.state;
    Array.prototype.forEach.call(form.querySelectorAll("input[name=type]"), function (box) {
      data.types.forEach(function (type, i) {
        if (type.code === box.value) setCount(box.parentNode.querySelector(".count"), "(" + c.types[i] + ")");
      });
    });
    var deps = form.elements.dep.options;
    data.departements.forEach(function (dep, i) { setCount(deps[i + 1], dep.label + " (" + c.deps[i] + ")"); });
    var services = form.elements.service.options;
    data.services.forEach(function (service, i) { setCount(services[i + 1], service.label + " (" + c.services[i] + ")"); });
    setCount(form.querySelector("#finder-closed-count"), "(" + c.closed + ")");
    // Communes (hundreds of them): drawn when the list is about to be opened, or if it has the focus.
    this.communesDirty = true;
    if (document.activeElement === form.elements.commune || s.commune !== -1) this.renderCommunes();
    else form.elements.commune.value = "";
  };

  /* The communes with results under the other facets, and the one chosen, with their counts. */
  Finder.prototype.renderCommunes = function () {
    if (!this.communesDirty || !this.form) return;
    this.communesDirty = false;
    var c = this.counts;
    var data = this.data;
    var s = this.state;
    var select = this.form.elements.commune;
    var options = select.options;
    var k = 1;
    for (var i = 0; i < data.communes.length; i++) {
      if (!c.communes[i] && i !== s.commune) continue;
      var text = data.communes[i] + " (" + c.communes[i] + ")";
      var option = options[k];
      if (!option) {
        option = document.createElement("option");
        select.appendChild(option);
      }
      if (option.value !== data.communes[i]) option.value = data.communes[i];
      setCount(option, text);
      k += 1;
    }
    while (options.length > k) select.removeChild(options[options.length - 1]);
    select.value = s.commune === -1 ? "" : data.communes[s.commune];
  };

  Finder.prototype.entry = function (i) {
    var p = this.places[i];
    var F = this.F;
    var type = this.data.types[p[F.type]];
    var item = E("li", "result");
    item.setAttribute("data-i", String(i));
    var swatch = E("span", "swatch");
    swatch.style.background = window.PlacesMap.safeColor(type.color);
    swatch.setAttribute("aria-hidden", "true");
    item.appendChild(swatch);
    var name = E("a", "result-name", p[F.nom]);
    name.href = this.url(i);
    item.appendChild(name);
    if (this.origin) item.appendChild(E("span", "result-distance", distanceText(this.distances[i])));
    var meta = E("span", "result-meta", type.label + (this.communeLabel(i) ? " · " + this.communeLabel(i) : ""));
    if (p[F.ferme]) meta.appendChild(E("span", "badge badge-closed", "fermé"));
    item.appendChild(meta);
    var locate = E("button", "result-locate", "Voir sur la carte");
    locate.type = "button";
    locate.setAttribute("aria-label", "Voir sur la carte : " + p[F.nom]);
    item.appendChild(locate);
    return item;
  };

  Finder.prototype.renderList = function () {
    if (!this.list) return;
    this.list.textContent = "";
    this.shown = 0;
    this.appendEntries();
  };

  Finder.prototype.appendEntries = function () {
    var fragment = document.createDocumentFragment();
    var end = Math.min(this.results.length, this.shown + PAGE);
    for (var k = this.shown; k < end; k++) fragment.appendChild(this.entry(this.results[k]));
    this.list.appendChild(fragment);
    this.shown = end;
    var rest = this.results.length - end;
    if (this.more) {
      this.more.hidden = rest <= 0;
      this.more.textContent = "Afficher " + Math.min(rest, PAGE) + " lieux de plus (sur " + rest + " restants)";
    }
  };

  Finder.prototype.bindList = function () {
    var self = this;
    var list = this.list;
    var index = function (event) {
      var item = event.target.closest && event.target.closest(".result");
      return item ? +item.getAttribute("data-i") : -1;
    };
    list.addEventListener("mouseover", function (event) {
      var i = index(event);
      if (i !== -1) self.layer.highlight(i, true);
    });
    list.addEventListener("mouseout", function (event) {
      var i = index(event);
      if (i !== -1) self.layer.highlight(i, false);
    });
    list.addEventListener("focusin", function (event) {
      var i = index(event);
      if (i !== -1) self.layer.highlight(i, true);
    });
    list.addEventListener("focusout", function (event) {
      var i = index(event);
      if (i !== -1) self.layer.highlight(i, false);
    });
    list.addEventListener("click", function (event) {
      var i = index(event);
      if (i === -1 || event.target.closest("a")) return;
      var button = list.querySelector('.result[data-i="' + i + '"] .result-locate');
      self.choose(i, button);
    });
    if (this.more) {
      this.more.addEventListener("click", function () {
        var first = self.shown;
        self.appendEntries();
        var next = list.children[first];
        if (next) next.querySelector("a").focus();
      });
    }
  };

  /* A place chosen in the list: the map shows it, centred, with its popup open and the focus in it. */
  Finder.prototype.choose = function (i, opener) {
    this.layer.highlight(i, false);
    if (window.matchMedia(PHONE).matches) this.switchTo("carte");
    var self = this;
    this.framing = true;
    this.layer.open(i, { centre: true, focus: true, opener: opener });
    setTimeout(function () { self.framing = false; }, 0);
  };

  Finder.prototype.switchTo = function (view) {
    var finder = document.getElementById("finder");
    if (!finder || finder.getAttribute("data-view") === view) return;
    finder.setAttribute("data-view", view);
    Array.prototype.forEach.call(document.querySelectorAll(".finder-switch button"), function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-view") === view));
    });
    if (view === "carte") this.map.invalidateSize({ animate: false });
  };

  /* The popup of place i: name, type and commune in words, distance, description, link. */
  Finder.prototype.describe = function (i) {
    var p = this.places[i];
    var F = this.F;
    var type = this.data.types[p[F.type]];
    var href = this.url(i);
    var box = E("div", "place-popup");
    var title = E("a", "place-popup-title", p[F.nom]);
    title.href = href;
    box.appendChild(title);
    var meta = type.label + (this.communeLabel(i) ? " · " + this.communeLabel(i) : "") +
      (p[F.ferme] ? " · fermé" : "") + (this.origin ? " · à " + distanceText(this.distances[i]) : "");
    box.appendChild(E("p", "place-popup-meta", meta));
    if (this.descriptions && this.descriptions[i]) {
      box.appendChild(E("p", "place-popup-description", this.descriptions[i]));
    } else if (!this.descriptions) {
      this.load();
    }
    var more = E("a", "place-popup-more", "Voir la fiche du lieu");
    more.href = href;
    box.appendChild(more);
    if (this.embed) {
      [title, more].forEach(function (link) {
        link.target = "_blank";
        link.rel = "noopener";
      });
      more.textContent = "Voir la fiche du lieu (nouvel onglet)";
    }
    return box;
  };

  Finder.prototype.opened = function (i) {
    var id = this.idOf(i);
    if (this.state.lieu === id) return;
    this.state.lieu = id;
    this.write(true);
  };

  Finder.prototype.closedPlace = function (i) {
    if (this.state.lieu !== this.idOf(i)) return;
    this.state.lieu = "";
    this.write(false);
  };

  /* The embed snippet and the directory follow the selection. */
  Finder.prototype.links = function () {
    var embed = document.getElementById("finder-embed");
    if (embed) {
      embed.href = embed.getAttribute("data-href") + query(this.params(["q", "type", "dep", "commune", "service", "fermes", "lieu", "vue"]));
    }
    var directory = document.getElementById("finder-directory");
    if (directory) {
      directory.href = directory.getAttribute("data-href") + query(this.params(["q", "type", "dep", "commune", "service", "fermes"]));
    }
    var full = document.getElementById("embed-full");
    if (full) full.href = full.getAttribute("data-href") + query(this.params());
  };

  /* ---- Near me, or near a commune ---- */

  Finder.prototype.setOrigin = function (origin) {
    this.origin = origin;
    var clear = document.getElementById("finder-near-clear");
    if (clear) clear.hidden = !origin;
    this.layer.setOrigin(origin ? [origin.lat, origin.lon] : null);
    if (!origin) {
      this.distances = null;
      return;
    }
    var d = this.distances = new Float64Array(this.n);
    var F = this.F;
    for (var i = 0; i < this.n; i++) d[i] = kilometres(origin.lat, origin.lon, this.places[i][F.lat], this.places[i][F.lon]);
  };

  /* A commune (its name) or a postcode of the data → the mean position of its places. */
  Finder.prototype.resolve = function (text, done) {
    var self = this;
    var F = this.F;
    var key = T.fold(text);
    var points = [];
    var label = text;
    if (/^\d{5}$/.test(key)) {
      this.load().then(function (ready) {
        if (!ready) return done(null);
        for (var i = 0; i < self.n; i++) if (self.texts[i].indexOf(" " + key + " ") !== -1) points.push(i);
        done(self.mean(points, key, text));
      });
      return;
    }
    var found = this.communeKeys.indexOf(key);
    if (found === -1 && key) {
      var starting = [];
      this.communeKeys.forEach(function (name, i) { if (name.indexOf(key) === 0) starting.push(i); });
      if (starting.length === 1) found = starting[0];
    }
    if (found !== -1) {
      label = this.data.communes[found];
      for (var i = 0; i < this.n; i++) if (this.places[i][F.commune] === found) points.push(i);
    }
    done(this.mean(points, label, text));
  };

  Finder.prototype.mean = function (points, label, text) {
    if (!points.length) return null;
    var F = this.F;
    var lat = 0, lon = 0;
    var places = this.places;
    points.forEach(function (i) { lat += places[i][F.lat]; lon += places[i][F.lon]; });
    return { lat: lat / points.length, lon: lon / points.length, label: label, pres: text };
  };

  /* « Près de » a commune or a postcode: sorted by distance; the commune goes to the address. */
  Finder.prototype.near = function (text) {
    var self = this;
    text = (text || "").trim();
    if (!text) {
      this.state.pres = "";
      if (this.form && this.form.elements.pres) this.form.elements.pres.value = "";
      this.setOrigin(null);
      this.update({ push: true, frame: true });
      return;
    }
    this.resolve(text, function (origin) {
      var message = document.getElementById("finder-near-message");
      if (!origin) {
        if (message) message.textContent = "« " + text + " » : aucune commune ni code postal de ce nom parmi les lieux.";
        return;
      }
      if (message) message.textContent = "";
      self.state.pres = text;
      self.state.lieu = "";
      self.setOrigin(origin);
      self.update({ push: true, frame: true });
    });
  };

  /* Near me: the browser's position, used here and never sent (not even in the address). */
  Finder.prototype.locate = function (button) {
    var self = this;
    var message = document.getElementById("finder-near-message");
    if (!navigator.geolocation) {
      if (message) message.textContent = "Votre navigateur ne donne pas sa position : indiquez une commune.";
      return;
    }
    button.setAttribute("aria-busy", "true");
    if (message) message.textContent = "Recherche de votre position…";
    navigator.geolocation.getCurrentPosition(function (position) {
      button.removeAttribute("aria-busy");
      if (message) message.textContent = "";
      self.state.pres = "";
      self.state.lieu = "";
      self.state.view = null;
      if (self.form && self.form.elements.pres) self.form.elements.pres.value = "";
      self.setOrigin({ lat: position.coords.latitude, lon: position.coords.longitude, label: "votre position", pres: "" });
      self.update({ push: true, frame: true });
    }, function (error) {
      button.removeAttribute("aria-busy");
      if (message) {
        message.textContent = error.code === 1 ? "Position refusée : indiquez une commune ou un code postal."
          : "Position indisponible : indiquez une commune ou un code postal.";
      }
    }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 });
  };

  /* The map's data is a file (lieux-carte.json, preloaded by the page's head): the finder starts
   * when it arrives; the map and its tiles are drawn meanwhile. The head asks for it and reads it
   * while the scripts load (window.PlacesData, _leaflet.html): its promise is taken when it is there. */
  window.PlacesFind = {
    start: function (map, dataId) {
      var script = document.getElementById(dataId);
      var src = script.getAttribute("data-src");
      var early = window.PlacesData;
      var data = early && early.ready && early.src === src ? early.ready
        : fetch(src, { credentials: "same-origin" }).then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        });
      return data.then(function (data) {
        var finder = new Finder(map, script, placeRows(data));
        window.PlacesFind.finder = finder;
        return finder;
      }).catch(function () {
        var count = document.getElementById("finder-count");
        if (count) count.textContent = "Les lieux n'ont pas pu être chargés.";
      });
    },
    distanceText: distanceText
  };
})();
