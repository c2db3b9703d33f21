/* The directory's index: the same search and filters as the map (q, type, dep, commune, service,
 * fermes), over every place, from the search data (lieux-recherche.json, the same fold and matching
 * as the map: find-core.js), fetched at once. While a search or a filter is active, the places found
 * are listed by fifty (« Afficher plus »), named and situated, and the table of types × départements
 * is hidden; the address keeps the state. Without JavaScript the table leads to the lists, which hold
 * every place. Every text is inserted with textContent, never as HTML. */
(function () {
  "use strict";

  var SHOWN = 50;
  var T = window.LieuxFind;
  var form = document.getElementById("finder-form");
  if (!form || !T) return;
  var script = document.getElementById("directory-script");
  var results = document.getElementById("annuaire-resultats");
  var list = document.getElementById("annuaire-liste");
  var more = document.getElementById("annuaire-plus");
  var index = document.getElementById("annuaire-index");
  var empty = document.getElementById("aucun");
  var count = document.getElementById("finder-count");
  var mapLink = document.getElementById("directory-map");
  var base = script.getAttribute("data-base");
  var pattern = script.getAttribute("data-place-url");
  var rows = [];
  var texts = [];
  var heads = [];
  var communes = [];
  var keys = {};
  var searcher = null;
  var loading = null;
  var shown = SHOWN;
  var found = [];
  var state;

  function read() {
    var params = new URLSearchParams(window.location.search);
    var types = [];
    params.getAll("type").forEach(function (value) { types = types.concat(value.split(",")); });
    return {
      q: params.get("q") || "",
      types: types,
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

  function load() {
    if (loading) return loading;
    loading = fetch(script.getAttribute("data-search"), { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    }).then(function (search) {
      var S = {};
      search.fields.forEach(function (name, i) { S[name] = i; });
      var seen = {};
      search.places.forEach(function (row, i) {
        rows.push({ id: row[S.id], title: row[S.titre], where: row[S.situation], type: row[S.type], dep: row[S.dep],
                    commune: row[S.commune], services: row[S.services], closed: row[S.ferme] === 1 });
        heads[i] = " " + T.words(row[S.nom]) + " ";
        texts[i] = heads[i] + T.words(row[S.texte]) + " " + T.words(T.fold(row[S.description])) + " ";
        var name = row[S.commune];
        if (name && !seen[name]) { seen[name] = true; communes.push(name); keys[name] = T.fold(name); }
      });
      communes.sort(function (a, b) { return keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0; });
      var wanted = T.fold(state.commune);
      state.commune = communes.filter(function (name) { return keys[name] === wanted; })[0] || "";
      searcher = new T.Searcher(search.synonyms, search.arrondissements);
      apply(false);
    }).catch(function () {
      count.textContent = "La recherche n'a pas pu être chargée.";
    });
    return loading;
  }

  function setText(node, text) {
    if (node && node.textContent !== text) node.textContent = text;
  }

  function item(row) {
    var li = document.createElement("li");
    var link = document.createElement("a");
    link.href = base + pattern.replace("{id}", encodeURIComponent(row.id));
    link.textContent = row.title;
    li.appendChild(link);
    var where = document.createElement("span");
    where.className = "situation";
    where.textContent = " · " + row.where + (row.closed ? " · fermé" : "");
    li.appendChild(where);
    return li;
  }

  function draw() {
    var fragment = document.createDocumentFragment();
    found.slice(0, shown).forEach(function (i) { fragment.appendChild(item(rows[i])); });
    list.textContent = "";
    list.appendChild(fragment);
    more.hidden = found.length <= shown;
  }

  /* The facets of T.tally; counts go into Maps (faster than objects for tens of thousands of adds). */
  function facetsFor(c) {
    var types = state.types.length ? state.types : null;
    var dep = state.dep, commune = state.commune, service = state.service, closed = state.closed;
    var add = function (table, key) { table.set(key, (table.get(key) || 0) + 1); };
    return [
      { pass: function (i) { return !types || types.indexOf(rows[i].type) !== -1; },
        count: function (i) { add(c.types, rows[i].type); } },
      { pass: function (i) { return !dep || rows[i].dep === dep; },
        count: function (i) { add(c.deps, rows[i].dep); } },
      { pass: function (i) { return !commune || rows[i].commune === commune; },
        count: function (i) { add(c.communes, rows[i].commune); } },
      { pass: function (i) { return !service || rows[i].services.indexOf(service) !== -1; },
        count: function (i) {
          var list = rows[i].services;
          for (var k = 0; k < list.length; k++) add(c.services, list[k]);
        } },
      { pass: function (i) { return closed || !rows[i].closed; },
        count: function (i) { if (rows[i].closed) c.closed += 1; } }
    ];
  }

  function counts(c) {
    Array.prototype.forEach.call(form.querySelectorAll("input[name=type]"), function (box) {
      setText(box.parentNode.querySelector(".count"), "(" + (c.types.get(box.value) || 0) + ")");
    });
    Array.prototype.forEach.call(form.elements.dep.options, function (option) {
      if (!option.value) return;
      setText(option, option.textContent.replace(/ \(\d+\)$/, "") + " (" + (c.deps.get(option.value) || 0) + ")");
    });
    Array.prototype.forEach.call(form.elements.service.options, function (option) {
      if (!option.value) return;
      var n = c.services.get(option.value) || 0;
      setText(option, option.textContent.replace(/ \(\d+\)$/, "") + " (" + n + ")");
      option.hidden = !n && option.value !== state.service;
    });
    communeCounts = c.communes;
    if (document.activeElement === form.elements.commune || state.commune) fillCommunes();
    setText(document.getElementById("finder-closed-count"), "(" + c.closed + ")");
  }

  /* The communes' list, with their counts, is rebuilt only when it is about to be used (a thousand
   * options at every key would cost more than the search itself). */
  var communeCounts = null;
  function fillCommunes() {
    var select = form.elements.commune;
    while (select.options.length > 1) select.removeChild(select.options[1]);
    communes.forEach(function (name) {
      var n = communeCounts ? communeCounts.get(name) || 0 : 0;
      if (!n && name !== state.commune) return;
      var option = document.createElement("option");
      option.value = name;
      option.textContent = name + " (" + n + ")";
      select.appendChild(option);
    });
    select.value = state.commune;
  }

  function apply(write) {
    var search = params();
    if (write && search !== window.location.search) {
      window.history.replaceState(null, "", window.location.pathname + search + window.location.hash);
    }
    if (mapLink) mapLink.href = mapLink.getAttribute("data-href") + search;
    var on = active();
    results.hidden = !on;
    index.hidden = on;
    if (!on) return done();
    if (!searcher) {
      setText(count, "Chargement de la recherche…");
      load();
      return done();
    }
    var units = state.q.trim() ? searcher.compile(state.q) : [];
    var match = units.length ? function (i) { return T.matches(texts[i], units); } : null;
    var c = { types: new Map(), deps: new Map(), communes: new Map(), services: new Map(), closed: 0 };
    found = T.tally(rows.length, match, facetsFor(c));
    if (units.length) {  // what names and situates a place ranks first; buckets keep the data's order
      var buckets = [];
      found.forEach(function (i) {
        var s = units.length - T.score(heads[i], units);
        (buckets[s] = buckets[s] || []).push(i);
      });
      found = [].concat.apply([], buckets.filter(Boolean));
    }
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
    state = read();
    toForm();
    apply(false);
  });
  state = read();
  toForm();
  apply(false);
})();
