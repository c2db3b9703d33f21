/* The directory, filtered by the parameters of the map (q, type, dep, commune, service, fermes):
 * read from the address at load, written back as they change. The page lists every place without
 * JavaScript; this only hides entries. Text search uses the map's search data (lieux-recherche.json)
 * and the same fold and matching (find-core.js), fetched on the first focus of the search box. */
(function () {
  "use strict";

  var T = window.LieuxFind;
  var form = document.getElementById("finder-form");
  if (!form || !T) return;
  var script = document.getElementById("directory-script");
  var items = Array.prototype.slice.call(document.querySelectorAll(".place-list li"));
  var sections = Array.prototype.slice.call(document.querySelectorAll(".dep-section, .type-section"));
  var empty = document.getElementById("aucun");
  var count = document.getElementById("finder-count");
  var mapLink = document.getElementById("directory-map");
  var rows = items.map(function (li) {
    return {
      id: li.getAttribute("data-id"),
      type: li.getAttribute("data-type"),
      dep: li.getAttribute("data-dep"),
      commune: li.getAttribute("data-commune") || "",
      services: (li.getAttribute("data-services") || "").split(" ").filter(Boolean),
      closed: li.hasAttribute("data-closed")
    };
  });
  var communes = [];
  rows.forEach(function (row) { if (row.commune && communes.indexOf(row.commune) === -1) communes.push(row.commune); });
  var keys = {};
  communes.forEach(function (name) { keys[name] = T.fold(name); });
  communes.sort(function (a, b) { return keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0; });
  var texts = null;
  var searcher = null;
  var loading = null;
  var state;

  function read() {
    var params = new URLSearchParams(window.location.search);
    var types = [];
    params.getAll("type").forEach(function (value) { types = types.concat(value.split(",")); });
    var commune = T.fold(params.get("commune") || "");
    return {
      q: params.get("q") || "",
      types: types,
      dep: params.get("dep") || "",
      commune: communes.filter(function (name) { return keys[name] === commune; })[0] || "",
      service: params.get("service") || "",
      closed: params.get("fermes") === "1"
    };
  }

  function params(includeEmpty) {
    var out = new URLSearchParams();
    if (state.q) out.set("q", state.q);
    state.types.forEach(function (t) { out.append("type", t); });
    if (state.dep) out.set("dep", state.dep);
    if (state.commune) out.set("commune", state.commune);
    if (state.service) out.set("service", state.service);
    if (state.closed) out.set("fermes", "1");
    void includeEmpty;
    return out.toString() ? "?" + out.toString() : "";
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
    var url = script && script.getAttribute("data-search");
    if (!url || !window.fetch) return (loading = Promise.resolve());
    loading = fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    }).then(function (search) {
      var S = {};
      search.fields.forEach(function (name, index) { S[name] = index; });
      var byId = {};
      search.places.forEach(function (row) {
        byId[row[S.id]] = " " + T.words(row[S.nom]) + " " + T.words(row[S.texte]) + " " +
          T.words(T.fold(row[S.description])) + " ";
      });
      texts = rows.map(function (row) { return byId[row.id] || " "; });
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

  function apply(write) {
    var units = state.q.trim() && searcher ? searcher.compile(state.q) : [];
    var waiting = !!state.q.trim() && !searcher;
    var c = { types: {}, deps: {}, communes: {}, services: {}, closed: 0 };
    var add = function (table, key) { table[key] = (table[key] || 0) + 1; };
    var facets = [
      { pass: function (i) { return !state.types.length || state.types.indexOf(rows[i].type) !== -1; },
        count: function (i) { add(c.types, rows[i].type); } },
      { pass: function (i) { return !state.dep || rows[i].dep === state.dep; },
        count: function (i) { add(c.deps, rows[i].dep); } },
      { pass: function (i) { return !state.commune || rows[i].commune === state.commune; },
        count: function (i) { add(c.communes, rows[i].commune); } },
      { pass: function (i) { return !state.service || rows[i].services.indexOf(state.service) !== -1; },
        count: function (i) { rows[i].services.forEach(function (s) { add(c.services, s); }); } },
      { pass: function (i) { return state.closed || !rows[i].closed; },
        count: function (i) { if (rows[i].closed) c.closed += 1; } }
    ];
    var match = units.length ? function (i) { return T.matches(texts[i], units); } : null;
    var results = T.tally(rows.length, match, facets);
    var shown = new Uint8Array(rows.length);
    results.forEach(function (i) { shown[i] = 1; });
    items.forEach(function (li, i) { li.hidden = !shown[i]; });
    sections.forEach(function (section) {
      section.hidden = !section.querySelector(".place-list li:not([hidden])");
    });
    Array.prototype.forEach.call(form.querySelectorAll("input[name=type]"), function (box) {
      setText(box.parentNode.querySelector(".count"), "(" + (c.types[box.value] || 0) + ")");
    });
    Array.prototype.forEach.call(form.elements.dep.options, function (option) {
      if (!option.value) return;
      setText(option, option.textContent.replace(/ \(\d+\)$/, "") + " (" + (c.deps[option.value] || 0) + ")");
    });
    Array.prototype.forEach.call(form.elements.service.options, function (option) {
      if (!option.value) return;
      var n = c.services[option.value] || 0;
      setText(option, option.textContent.replace(/ \(\d+\)$/, "") + " (" + n + ")");
      option.hidden = !n && option.value !== state.service;
    });
    var select = form.elements.commune;
    while (select.options.length > 1) select.removeChild(select.options[1]);
    communes.forEach(function (name) {
      if (!c.communes[name] && name !== state.commune) return;
      var option = document.createElement("option");
      option.value = name;
      option.textContent = name + " (" + (c.communes[name] || 0) + ")";
      select.appendChild(option);
    });
    select.value = state.commune;
    setText(document.getElementById("finder-closed-count"), "(" + c.closed + ")");
    var text = waiting ? "Chargement de la recherche…" : results.length ? T.places(results.length) : "Aucun lieu";
    if (!state.closed && c.closed) text += " (" + c.closed + (c.closed > 1 ? " fermés masqués)" : " fermé masqué)");
    setText(count, text);
    empty.hidden = results.length !== 0 || waiting;
    var search = params();
    if (write && search !== window.location.search) {
      window.history.replaceState(null, "", window.location.pathname + search + window.location.hash);
    }
    if (mapLink) mapLink.href = mapLink.getAttribute("data-href") + search;
  }

  var timer = 0;
  form.elements.q.addEventListener("focus", load);
  form.addEventListener("input", function (event) {
    if (event.target !== form.elements.q) return;
    fromForm();
    clearTimeout(timer);
    timer = setTimeout(function () { apply(true); }, 60);
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
  if (state.q) load();
})();
