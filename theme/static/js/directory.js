/* The directory, in two parts.
 *
 * The index (/lieux/): the same search and filters as the map (q, type, dep, commune, service,
 * fermes), over every place, from the search data (lieux-recherche.json, the same fold and matching
 * as the map: find-core.js), fetched on the first focus of the search box or when the address holds
 * a search. While a search or a filter is active, the places found are listed by fifty
 * (« Afficher plus »), named and situated, and the table of types × départements is hidden; the
 * address keeps the state. Without JavaScript the table leads to the lists, which hold every place.
 *
 * A list page (one type, one département, at most one page of places): a small form filters the
 * rows of that page (text, commune, service), keeps its state in the address and updates the link
 * to the same places on the map.
 *
 * Every text is inserted with textContent, never as HTML.
 *
 * Speed (a key must repaint within 50 ms at 50,000 places): the facets are small integers in typed
 * arrays, counted in one pass without a closure per place; the places' texts are also joined in one
 * string, so that a new word is looked for by a few long indexOf jumps instead of one call per place;
 * a query that only narrows the previous one (« ate » after « at ») searches only what that one
 * found; the address is written once typing pauses. */
(function () {
  "use strict";

  var T = window.LieuxFind;
  if (!T) return;

  function setText(node, text) {
    if (node && node.textContent !== text) node.textContent = text;
  }

  /* Writes the address once the changes pause (browsers throttle history calls made at every key). */
  function addressWriter() {
    var timer = 0;
    var pending = null;
    function write() {
      timer = 0;
      if (pending !== null && pending !== window.location.search) {
        window.history.replaceState(null, "", window.location.pathname + pending + window.location.hash);
      }
      pending = null;
    }
    return {
      later: function (search) {
        pending = search;
        if (timer) clearTimeout(timer);
        timer = setTimeout(write, 250);
      },
      cancel: function () {
        if (timer) clearTimeout(timer);
        timer = 0;
        pending = null;
      }
    };
  }

  /* The codes of a facet → small integers (0, 1, 2…) in the order met. */
  function Codes() {
    this.list = [];
    this.index = Object.create(null);
  }
  Codes.prototype.of = function (code) {
    var i = this.index[code];
    if (i === undefined) {
      i = this.list.length;
      this.index[code] = i;
      this.list.push(code);
    }
    return i;
  };
  /* The index of a wanted code: -1 when nothing is wanted, -2 when the code is unknown (nothing matches). */
  Codes.prototype.wanted = function (code) {
    if (!code) return -1;
    var i = this.index[code];
    return i === undefined ? -2 : i;
  };

  function index(form) {
    var SHOWN = 50;
    var script = document.getElementById("directory-script");
    var results = document.getElementById("annuaire-resultats");
    var list = document.getElementById("annuaire-liste");
    var more = document.getElementById("annuaire-plus");
    var table = document.getElementById("annuaire-index");
    var empty = document.getElementById("aucun");
    var count = document.getElementById("finder-count");
    var mapLink = document.getElementById("directory-map");
    var base = script.getAttribute("data-base");
    var pattern = script.getAttribute("data-place-url");
    var address = addressWriter();

    var n = 0;
    var ids = [], titles = [], wheres = [], texts = [], heads = [];
    var all = "";           // every text, joined by "\n" (no needle holds one)
    var starts = null;      // where each place's text begins in `all` (n + 1 entries)
    var typeOf, depOf, communeOf, closedOf, serviceStart, serviceList;
    var types = new Codes(), deps = new Codes(), communeCodes = new Codes(), services = new Codes();
    var communes = [];      // names, sorted by their fold
    var searcher = null;
    var loading = null;
    var last = { units: null, hits: null };  // the previous query and the places its text matched
    var shown = SHOWN;
    var found = [];
    var communeCounts = null;
    var state;

    function read() {
      var params = new URLSearchParams(window.location.search);
      var wanted = [];
      params.getAll("type").forEach(function (value) { wanted = wanted.concat(value.split(",")); });
      return {
        q: params.get("q") || "",
        types: wanted,
        dep: params.get("dep") || "",
        commune: params.get("commune") || "",
        service: params.get("service") || "",
        closed: params.get("fermes") === "1"
      };
    }

    function params() {
      var out = new URLSearchParams();
      if (state.q) out.set("q", state.q);
      state.types.forEach(function (t) { out.append("type", t); });
      if (state.dep) out.set("dep", state.dep);
      if (state.commune) out.set("commune", state.commune);
      if (state.service) out.set("service", state.service);
      if (state.closed) out.set("fermes", "1");
      return out.toString() ? "?" + out.toString() : "";
    }

    function active() {
      return !!(state.q.trim() || state.types.length || state.dep || state.commune || state.service || state.closed);
    }

    function toForm() {
      form.elements.q.value = state.q;
      Array.prototype.forEach.call(form.querySelectorAll("input[name=type]"), function (box) {
        box.checked = state.types.indexOf(box.value) !== -1;
      });
      form.elements.dep.value = state.dep;
      form.elements.service.value = state.service;
      form.elements.fermes.checked = state.closed;
    }

    function fromForm() {
      state.q = form.elements.q.value;
      state.types = Array.prototype.filter.call(form.querySelectorAll("input[name=type]"), function (box) {
        return box.checked;
      }).map(function (box) { return box.value; });
      state.dep = form.elements.dep.value;
      state.commune = form.elements.commune.value;
      state.service = form.elements.service.value;
      state.closed = form.elements.fermes.checked;
    }

    function ingest(search) {
      var S = {};
      search.fields.forEach(function (name, i) { S[name] = i; });
      var places = search.places;
      n = places.length;
      typeOf = new Uint16Array(n);
      depOf = new Uint16Array(n);
      communeOf = new Uint32Array(n);
      closedOf = new Uint8Array(n);
      serviceStart = new Uint32Array(n + 1);
      var flat = [];
      starts = new Uint32Array(n + 1);
      var at = 0;
      for (var i = 0; i < n; i++) {
        var row = places[i];
        ids[i] = row[S.id];
        titles[i] = row[S.titre];
        wheres[i] = row[S.situation];
        heads[i] = " " + T.words(row[S.nom]) + " ";
        texts[i] = heads[i] + T.words(row[S.texte]) + " " + T.words(T.fold(row[S.description])) + " ";
        starts[i] = at;
        at += texts[i].length + 1;
        typeOf[i] = types.of(row[S.type]);
        depOf[i] = deps.of(row[S.dep]);
        communeOf[i] = communeCodes.of(row[S.commune] || "");
        closedOf[i] = row[S.ferme] === 1 ? 1 : 0;
        serviceStart[i] = flat.length;
        var own = row[S.services] || [];
        for (var k = 0; k < own.length; k++) flat.push(services.of(own[k]));
      }
      starts[n] = at;
      serviceStart[n] = flat.length;
      serviceList = Uint16Array.from(flat);
      all = texts.join("\n");
      var keys = {};
      communes = communeCodes.list.filter(function (name) { return name; });
      communes.forEach(function (name) { keys[name] = T.fold(name); });
      communes.sort(function (a, b) { return keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0; });
      var wanted = T.fold(state.commune);
      state.commune = communes.filter(function (name) { return keys[name] === wanted; })[0] || "";
      searcher = new T.Searcher(search.synonyms, search.arrondissements);
    }

    function load() {
      if (loading) return loading;
      loading = fetch(script.getAttribute("data-search"), { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      }).then(function (search) {
        ingest(search);
        apply(false);
      }).catch(function () {
        count.textContent = "La recherche n'a pas pu être chargée.";
      });
      return loading;
    }

    /* Does a place matching every unit of `units` match every unit of `before`? (each unit of
     * `before` has a unit here whose every needle begins with one of its needles) */
    function narrows(units, before) {
      return before.every(function (old) {
        return units.some(function (unit) {
          return unit.every(function (needle) {
            return old.some(function (o) { return needle.indexOf(o) === 0; });
          });
        });
      });
    }

    /* The places (in the data's order) whose text holds one of `needles`: long jumps through `all`. */
    function scan(needles) {
      if (needles.length === 1) {
        var out = [];
        var needle = needles[0];
        var r = 0;
        var pos = all.indexOf(needle);
        while (pos !== -1) {
          while (starts[r + 1] <= pos) r++;
          out.push(r);
          pos = all.indexOf(needle, starts[r + 1]);
        }
        return out;
      }
      var hit = new Uint8Array(n);
      needles.forEach(function (one) { scan([one]).forEach(function (i) { hit[i] = 1; }); });
      var union = [];
      for (var i = 0; i < n; i++) if (hit[i]) union.push(i);
      return union;
    }

    /* The places whose text matches the query's units (null: every place). */
    function textHits(units) {
      if (!units.length) return null;
      var candidates, rest;
      if (last.units && last.units.length && narrows(units, last.units)) {
        candidates = last.hits;
        rest = units;
      } else {
        candidates = scan(units[0]);
        rest = units.slice(1);
      }
      var hits = rest.length ? candidates.filter(function (i) { return T.matches(texts[i], rest); }) : candidates;
      last = { units: units, hits: hits };
      return hits;
    }

    /* One pass: the places that pass every facet, and each facet's counts following the others (a
     * facet counts the places that pass all facets but itself), as T.tally does. */
    function tally(hits) {
      var typeWanted = null;
      if (state.types.length) {
        typeWanted = new Uint8Array(types.list.length);
        state.types.forEach(function (code) { if (code in types.index) typeWanted[types.index[code]] = 1; });
      }
      var dep = deps.wanted(state.dep);
      var commune = communeCodes.wanted(state.commune);
      var service = services.wanted(state.service);
      var closed = state.closed;
      var c = {
        types: new Int32Array(types.list.length), deps: new Int32Array(deps.list.length),
        communes: new Int32Array(communeCodes.list.length), services: new Int32Array(services.list.length), closed: 0
      };
      var out = [];
      var size = hits ? hits.length : n;
      for (var h = 0; h < size; h++) {
        var i = hits ? hits[h] : h;
        var okType = !typeWanted || typeWanted[typeOf[i]] === 1;
        var okDep = dep === -1 || depOf[i] === dep;
        var okCommune = commune === -1 || communeOf[i] === commune;
        var okService = true;
        if (service !== -1) {
          okService = false;
          for (var k = serviceStart[i]; k < serviceStart[i + 1]; k++) {
            if (serviceList[k] === service) { okService = true; break; }
          }
        }
        var okClosed = closed || closedOf[i] === 0;
        var fails = (okType ? 0 : 1) + (okDep ? 0 : 1) + (okCommune ? 0 : 1) + (okService ? 0 : 1) + (okClosed ? 0 : 1);
        if (fails > 1) continue;
        if (fails === 0) out.push(i);
        if (fails === 0 || !okType) c.types[typeOf[i]] += 1;
        if (fails === 0 || !okDep) c.deps[depOf[i]] += 1;
        if (fails === 0 || !okCommune) c.communes[communeOf[i]] += 1;
        if (fails === 0 || !okService) {
          for (k = serviceStart[i]; k < serviceStart[i + 1]; k++) c.services[serviceList[k]] += 1;
        }
        if ((fails === 0 || !okClosed) && closedOf[i]) c.closed += 1;
      }
      found = out;
      return c;
    }

    function countOf(codes, counts, code) {
      var i = codes.index[code];
      return i === undefined ? 0 : counts[i];
    }

    function item(i) {
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = base + pattern.replace("{id}", encodeURIComponent(ids[i]));
      link.textContent = titles[i];
      li.appendChild(link);
      var where = document.createElement("span");
      where.className = "situation";
      where.textContent = " · " + wheres[i] + (closedOf[i] ? " · fermé" : "");
      li.appendChild(where);
      return li;
    }

    function draw() {
      var fragment = document.createDocumentFragment();
      found.slice(0, shown).forEach(function (i) { fragment.appendChild(item(i)); });
      list.textContent = "";
      list.appendChild(fragment);
      more.hidden = found.length <= shown;
    }

    function counts(c) {
      Array.prototype.forEach.call(form.querySelectorAll("input[name=type]"), function (box) {
        setText(box.parentNode.querySelector(".count"), "(" + countOf(types, c.types, box.value) + ")");
      });
      Array.prototype.forEach.call(form.elements.dep.options, function (option) {
        if (!option.value) return;
        setText(option, option.textContent.replace(/ \(\d+\)$/, "") + " (" + countOf(deps, c.deps, option.value) + ")");
      });
      Array.prototype.forEach.call(form.elements.service.options, function (option) {
        if (!option.value) return;
        var k = countOf(services, c.services, option.value);
        setText(option, option.textContent.replace(/ \(\d+\)$/, "") + " (" + k + ")");
        option.hidden = !k && option.value !== state.service;
      });
      communeCounts = c.communes;
      if (document.activeElement === form.elements.commune || state.commune) fillCommunes();
      setText(document.getElementById("finder-closed-count"), "(" + c.closed + ")");
    }

    /* The communes' list, with their counts, is rebuilt only when it is about to be used (a thousand
     * options at every key would cost more than the search itself). */
    function fillCommunes() {
      var select = form.elements.commune;
      while (select.options.length > 1) select.removeChild(select.options[1]);
      communes.forEach(function (name) {
        var k = communeCounts ? countOf(communeCodes, communeCounts, name) : 0;
        if (!k && name !== state.commune) return;
        var option = document.createElement("option");
        option.value = name;
        option.textContent = name + " (" + k + ")";
        select.appendChild(option);
      });
      select.value = state.commune;
    }

    /* What names and situates a place ranks first; the places keep the data's order within a rank. */
    function rank(units) {
      if (!units.length) return;
      var buckets = [];
      for (var f = 0; f < found.length; f++) {
        var i = found[f];
        var s = units.length - T.score(heads[i], units);
        (buckets[s] = buckets[s] || []).push(i);
      }
      found = [].concat.apply([], buckets.filter(Boolean));
    }

    function apply(write) {
      var search = params();
      if (write) address.later(search);
      if (mapLink) mapLink.href = mapLink.getAttribute("data-href") + search;
      var on = active();
      results.hidden = !on;
      table.hidden = on;
      if (!on) return done();
      if (!searcher) {
        setText(count, "Chargement de la recherche…");
        load();
        return done();
      }
      var units = state.q.trim() ? searcher.compile(state.q) : [];
      var c = tally(textHits(units));
      rank(units);
      counts(c);
      var text = found.length ? T.places(found.length) : "Aucun lieu";
      if (!state.closed && c.closed) text += " (" + c.closed + (c.closed > 1 ? " fermés masqués)" : " fermé masqué)");
      setText(count, text);
      empty.hidden = found.length !== 0;
      shown = SHOWN;
      draw();
      return done();
    }

    function done() {
      document.dispatchEvent(new CustomEvent("lieux:updated"));
    }

    form.elements.q.addEventListener("focus", load);
    ["focus", "mousedown"].forEach(function (type) {
      form.elements.commune.addEventListener(type, function () { if (communeCounts) fillCommunes(); });
    });
    form.addEventListener("input", function (event) {  // one pass over the places takes a few ms: no delay
      if (event.target !== form.elements.q) return;
      fromForm();
      apply(true);
    });
    form.addEventListener("change", function (event) {
      if (event.target === form.elements.q) return;
      fromForm();
      apply(true);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      fromForm();
      apply(true);
    });
    more.addEventListener("click", function () {
      var next = list.children.length;
      shown += SHOWN;
      draw();
      var first = list.children[next] && list.children[next].querySelector("a");
      if (first) first.focus();
    });
    var reset = document.getElementById("finder-reset");
    if (reset) {
      reset.addEventListener("click", function () {
        state = { q: "", types: [], dep: "", commune: "", service: "", closed: false };
        toForm();
        apply(true);
        form.elements.q.focus();
      });
    }
    var toggle = document.getElementById("finder-facets-toggle");
    if (toggle) {
      toggle.addEventListener("click", function () {
        var open = toggle.getAttribute("aria-expanded") !== "true";
        toggle.setAttribute("aria-expanded", String(open));
        form.classList.toggle("facets-open", open);
      });
    }
    window.addEventListener("popstate", function () {
      address.cancel();
      state = read();
      toForm();
      apply(false);
    });
    state = read();
    toForm();
    apply(false);
  }

  /* A list page: its rows filtered in place. */
  function listPage(form) {
    var rows = Array.prototype.slice.call(document.querySelectorAll("#liste-lieux > li"));
    var texts = rows.map(function (li) { return T.indexText(T.fold(li.textContent)); });
    var communes = rows.map(function (li) {
      var name = li.querySelector(".commune");
      return name ? name.textContent : "";
    });
    var searcher = new T.Searcher([], []);
    var status = document.getElementById("liste-compte");
    var empty = document.getElementById("liste-aucun");
    var mapLink = document.getElementById("liste-carte");
    var allLink = document.getElementById("liste-tout");
    var address = addressWriter();
    var fields = ["q", "commune", "service"];

    function read() {
      var params = new URLSearchParams(window.location.search);
      fields.forEach(function (name) {
        var value = params.get(name) || "";
        var field = form.elements[name];
        if (field.type === "hidden") return;  // no choice on this page (one commune, no service)
        field.value = value;
        if (field.tagName === "SELECT" && field.value !== value) field.value = "";
      });
    }

    function params() {
      var out = new URLSearchParams();
      fields.forEach(function (name) { if (form.elements[name].value) out.set(name, form.elements[name].value); });
      return out;
    }

    function link(node, own) {
      if (!node) return;
      var query = new URLSearchParams(node.getAttribute("data-query"));
      own.forEach(function (value, name) { query.set(name, value); });
      node.href = node.getAttribute("data-href") + "?" + query.toString();
    }

    function apply(write) {
      var units = searcher.compile(form.elements.q.value);
      var commune = form.elements.commune.value;
      var service = form.elements.service.value;
      var shown = 0;
      rows.forEach(function (li, i) {
        var ok = (!units.length || T.matches(texts[i], units)) &&
          (!commune || communes[i] === commune) &&
          (!service || (" " + li.getAttribute("data-services") + " ").indexOf(" " + service + " ") !== -1);
        if (li.hidden === ok) li.hidden = !ok;
        if (ok) shown += 1;
      });
      var own = params();
      var filtered = own.toString() !== "";
      setText(status, filtered ? T.places(shown) + " sur " + rows.length + " dans cette page" : "");
      empty.hidden = shown !== 0;
      link(mapLink, own);
      link(allLink, own);
      if (write) address.later(own.toString() ? "?" + own.toString() : "");
      document.dispatchEvent(new CustomEvent("lieux:updated"));
    }

    form.addEventListener("input", function () { apply(true); });
    form.addEventListener("change", function () { apply(true); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      apply(true);
    });
    var reset = document.getElementById("liste-effacer");
    if (reset) {
      reset.addEventListener("click", function () {
        fields.forEach(function (name) { form.elements[name].value = ""; });
        apply(true);
        form.elements.q.focus();
      });
    }
    window.addEventListener("popstate", function () {
      address.cancel();
      read();
      apply(false);
    });
    read();
    apply(false);
  }

  var finder = document.getElementById("finder-form");
  var filter = document.getElementById("liste-filtre");
  if (finder && document.getElementById("directory-script")) index(finder);
  else if (filter) listPage(filter);
})();
