/* « Trouver de l'aide pour mon projet »: the needs ticked or written, ranked in the browser.
 *
 * Progressive enhancement of theme/templates/aide.html: without this script the form leads
 * to « Qui propose quoi ». The data is aide/aide.json (plugins/lieux/outputs/help.py); the
 * ranking is the build's (plugins/lieux/stages/match.py): the sum of the weights of the needs
 * a helper covers, descending; then the distance to the chosen position (unknown last); then
 * the name. Free words are mapped as plugins/lieux/core/vocabulary.py's Matcher maps them.
 * The position from « Près de moi » stays in this page: never in the URL, never sent.
 * Every text from the data is inserted with textContent, never as HTML. */
(function () {
  "use strict";

  var PAGE = 20;            // results shown at first, and added by « Afficher plus »
  var TYPING_DELAY = 80;    // ms of quiet typing before re-ranking (the update itself takes a few ms)
  var EARTH_RADIUS_KM = 6371.0;
  var MIN_PLURAL_STEM = 4;  // as lieux.core.vocabulary.MIN_PLURAL_STEM
  var PARIS_POSTCODE = /^75(0(0[1-9]|1\d|20)|116)$/;

  var config = document.getElementById("aide-config");
  var form = document.getElementById("aide-formulaire");
  if (!config || !form) return;

  var $ = function (id) { return document.getElementById(id); };
  var words = $("aide-mots"), where = $("aide-pres"), nearMe = $("aide-pres-de-moi");
  var whereMessage = $("aide-pres-message"), understood = $("aide-compris"), communesList = $("aide-communes");
  var results = $("aide-resultats"), list = $("aide-liste"), more = $("aide-plus"), count = $("aide-compte");
  var title = $("aide-resultats-titre"), printButton = $("aide-imprimer"), byNeed = $("par-besoin");
  var mapBox = $("aide-carte"), mapNote = $("aide-carte-note");
  var boxes = Array.prototype.slice.call(form.querySelectorAll("input[name=besoin]"));
  var submit = form.querySelector("button[type=submit]");

  // --- normalisation: lieux.core.text.fold and lieux.core.vocabulary.match_key, in JavaScript ----------

  /** Case- and accent-insensitive form: the site's one fold (find-core.js), as lieux.core.text.fold. */
  var fold = window.LieuxFind.fold;

  /** The form words are compared in: folded, punctuation as spaces, plurals dropped. */
  function matchKey(text) {
    return fold(text).replace(/[^a-z0-9&]+/g, " ").trim().split(" ").filter(Boolean).map(function (w) {
      return w.length > MIN_PLURAL_STEM && (w.slice(-1) === "s" || w.slice(-1) === "x") ? w.slice(0, -1) : w;
    }).join(" ");
  }

  function slugify(text) {
    return fold(text).replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  }

  // --- the data ---------------------------------------------------------------------------------------

  var data = null;       // aide.json
  var F = {};            // field name -> column of a helper's row
  var byCode = [];       // code index -> helper indices offering it
  var codeIndex = {};    // code value -> index
  var keyCode = {};      // match key -> code index
  var keys = [];         // every match key, for the « inside » rule
  var communeNames = {}; // commune match key -> the name as written
  var base = "";         // absolute URL of the site's root

  function load(json) {
    data = json;
    F = {};
    data.fields.forEach(function (name, i) { F[name] = i; });
    byCode = data.codes.map(function () { return []; });
    data.codes.forEach(function (c, i) {
      codeIndex[c.code] = i;
      c.keys.forEach(function (k) { keyCode[k] = i; keys.push(k); });
    });
    data.helpers.forEach(function (h, i) {
      h[F.codes].forEach(function (c) { byCode[c].push(i); });
      var commune = h[F.commune];
      if (commune) {
        var key = matchKey(commune);
        if (data.communes[key] && !communeNames[key]) communeNames[key] = commune;
      }
    });
    Object.keys(communeNames).map(function (k) { return communeNames[k]; })
      .sort(function (a, b) { return a.localeCompare(b, "fr"); })
      .forEach(function (name) {
        var option = document.createElement("option");
        option.value = name;
        communesList.appendChild(option);
      });
  }

  /** What one free word was understood as: a code index, or -1 (as Matcher.match, without suggestion). */
  function understand(word) {
    var slug = slugify(word);
    if (Object.prototype.hasOwnProperty.call(codeIndex, slug)) return codeIndex[slug];
    var key = matchKey(word);
    if (Object.prototype.hasOwnProperty.call(keyCode, key)) return keyCode[key];
    var padded = " " + key + " ", best = null;
    keys.forEach(function (k) {
      if (k.length >= 3 && padded.indexOf(" " + k + " ") !== -1 &&
          (best === null || k.length > best.length || (k.length === best.length && k > best))) best = k;
    });
    return best === null ? -1 : keyCode[best];
  }

  function splitWords(text) {
    return text.split(/[,;]/).map(function (w) { return w.trim(); }).filter(function (w) { return matchKey(w); });
  }

  // --- the ranking: stages/match.py's rank() ------------------------------------------------------------

  function distanceKm(lat1, lon1, lat2, lon2) {
    var r = Math.PI / 180;
    var h = Math.pow(Math.sin((lat2 - lat1) * r / 2), 2) +
      Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.pow(Math.sin((lon2 - lon1) * r / 2), 2);
    return 2 * EARTH_RADIUS_KM * Math.asin(Math.sqrt(h));
  }

  /** « 850 m », « 3,2 km », « 27 km » (match.format_km), with a non-breaking space. */
  function formatKm(km) {
    if (km < 1) return (Math.round(km * 100) * 10).toFixed(0) + "\u00a0m";
    return (km < 10 ? km.toFixed(1).replace(".", ",") : km.toFixed(0)) + "\u00a0km";
  }

  /** Every helper covering at least one need, best first: {helper, covered, score, distance}. */
  function rank(needs, position) {
    var n = data.helpers.length;
    var scores = new Float64Array(n), seen = new Uint8Array(n), touched = [];
    needs.forEach(function (code) {
      var weight = data.codes[code].weight || 0;
      byCode[code].forEach(function (i) {
        if (!seen[i]) { seen[i] = 1; touched.push(i); }
        scores[i] += weight;
      });
    });
    var found = touched.map(function (i) {
      var h = data.helpers[i], distance = null;
      if (position && h[F.lat] !== null && h[F.lon] !== null) {
        distance = distanceKm(h[F.lat], h[F.lon], position.lat, position.lon);
      }
      return { helper: h, index: i, score: Math.round(scores[i] * 1e9) / 1e9, distance: distance };
    });
    found.sort(function (a, b) {
      if (a.score !== b.score) return b.score - a.score;
      if ((a.distance === null) !== (b.distance === null)) return a.distance === null ? 1 : -1;
      if (a.distance !== b.distance) return a.distance - b.distance;
      var an = a.helper[F.name], bn = b.helper[F.name];
      if (an !== bn) return an < bn ? -1 : 1;
      return a.helper[F.url] < b.helper[F.url] ? -1 : a.helper[F.url] > b.helper[F.url] ? 1 : 0;
    });
    return found;
  }

  /** « propose : prototypage et fabrication, mentorat et accompagnement · à 3,2 km » */
  function reason(result, needs) {
    var offered = result.helper[F.codes];
    var text = "propose\u00a0: " + needs.filter(function (c) { return offered.indexOf(c) !== -1; })
      .map(function (c) { return data.codes[c].label.toLowerCase(); }).join(", ");
    if (result.distance !== null) text += " ·\u00a0à\u00a0" + formatKm(result.distance);
    return text;
  }

  // --- the state: the form, the URL, the position ---------------------------------------------------

  var me = null;        // {lat, lon} from « Près de moi »: kept in this page only
  var current = null;   // the last state shown
  var shown = 0;        // results listed
  var today = "";       // the date of the printed sheet, formatted once

  /** The position the ranking uses, with its label, or a message when the typed place is unknown. */
  function resolvePosition() {
    if (me) return { lat: me.lat, lon: me.lon, label: "votre position" };
    var text = where.value.trim();
    if (!text) return null;
    var key = matchKey(text);
    var point = data.communes[key];
    if (!point && PARIS_POSTCODE.test(text) && data.communes[matchKey("Paris")]) {
      key = matchKey("Paris");
      point = data.communes[key];
    }
    if (point) return { lat: point[0], lon: point[1], label: communeNames[key] || text };
    return { unknown: text };
  }

  function readForm() {
    var ticked = boxes.filter(function (b) { return b.checked; }).map(function (b) { return codeIndex[b.value]; })
      .filter(function (c) { return c !== undefined; });
    var mapped = splitWords(words.value).map(function (w) { return { word: w, code: understand(w) }; });
    var needs = ticked.slice();
    mapped.forEach(function (m) { if (m.code !== -1 && needs.indexOf(m.code) === -1) needs.push(m.code); });
    return { ticked: ticked, mapped: mapped, needs: needs, position: resolvePosition() };
  }

  function stateUrl() {
    var params = new URLSearchParams();
    boxes.forEach(function (b) { if (b.checked) params.append("besoin", b.value); });
    if (words.value.trim()) params.set("mots", words.value.trim());
    if (where.value.trim()) params.set("pres", where.value.trim());
    var query = params.toString();
    return location.pathname + (query ? "?" + query : "");
  }

  function readUrl() {
    var params = new URLSearchParams(location.search);
    var wanted = params.getAll("besoin");
    boxes.forEach(function (b) { b.checked = wanted.indexOf(b.value) !== -1; });
    words.value = params.get("mots") || "";
    var pres = params.get("pres") || "";
    if (pres) setMe(null);
    where.value = pres;
  }

  function remember(mode) {
    if (!mode) return;
    var url = stateUrl();
    if (url === location.pathname + location.search) return;
    if (mode === "push") history.pushState(null, "", url);
    else history.replaceState(null, "", url);
  }

  function setMe(position) {
    me = position;
    nearMe.setAttribute("aria-pressed", position ? "true" : "false");
  }

  // --- the page ---------------------------------------------------------------------------------------

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function absolute(url) {
    return new URL(url, base).href;
  }

  function showUnderstood(state) {
    understood.textContent = "";
    if (!state.mapped.length) return;
    var ul = element("ul", "help-understood-list");
    var unknown = false;
    state.mapped.forEach(function (m) {
      var li = element("li");
      li.appendChild(element("span", "help-word", m.word));
      li.appendChild(document.createTextNode(" → "));
      if (m.code === -1) {
        unknown = true;
        li.appendChild(element("span", "help-unknown", "mot non reconnu"));
      } else {
        li.appendChild(element("strong", "", data.codes[m.code].label));
      }
      ul.appendChild(li);
    });
    understood.appendChild(ul);
    if (unknown) {
      understood.appendChild(element("p", "help-known", "Les besoins reconnus\u00a0: " + data.codes.map(function (c) {
        return c.label.toLowerCase();
      }).join(", ") + "."));
    }
  }

  function showWhere(state, final) {
    var p = state.position;
    var text = "";
    if (me) text = "Classement selon la distance à votre position\u00a0: elle reste dans votre navigateur.";
    else if (p && p.unknown && final) {
      text = /^\d{5}$/.test(p.unknown)
        ? "Le code postal " + p.unknown + " n'est pas connu de cette page\u00a0: indiquez plutôt le nom de la commune."
        : "«\u00a0" + p.unknown + "\u00a0» ne fait pas partie des communes connues de cette page\u00a0: essayez une commune voisine" +
          (navigator.geolocation ? " ou «\u00a0Près de moi\u00a0»." : ".");
    } else if (p && !p.unknown) text = "Classement selon la distance à " + p.label + ".";
    if (whereMessage.textContent !== text) whereMessage.textContent = text;
  }

  function item(result, rankNumber, state) {
    var h = result.helper, href = absolute(h[F.url]);
    var li = element("li", "help-item");
    li.setAttribute("value", String(rankNumber));
    var heading = element("h3", "help-item-name");
    var link = element("a", "", h[F.name]);
    link.href = href;
    heading.appendChild(link);
    li.appendChild(heading);
    var meta = element("p", "help-item-meta");
    meta.appendChild(element("span", "help-kind help-kind-" + h[F.kind], h[F.kind] === "lieu" ? "Lieu" : "Partenaire"));
    if (h[F.commune]) meta.appendChild(document.createTextNode(" · " + h[F.commune]));
    li.appendChild(meta);
    li.appendChild(element("p", "help-item-reason", reason(result, state.needs)));
    li.appendChild(element("p", "help-item-url", href));
    return li;
  }

  function showMore(focus) {
    var state = current, start = shown, end = Math.min(state.ranked.length, shown + PAGE);
    var fragment = document.createDocumentFragment(), first = null;
    for (var i = start; i < end; i += 1) {
      var li = item(state.ranked[i], i + 1, state);
      if (!first) first = li;
      fragment.appendChild(li);
    }
    list.appendChild(fragment);
    shown = end;
    more.hidden = shown >= state.ranked.length;
    more.textContent = "Afficher plus (" + Math.min(PAGE, state.ranked.length - shown) + " sur " +
      (state.ranked.length - shown) + " restants)";
    drawMap(state);
    if (focus && first) first.querySelector("a").focus();
  }

  function countText(state) {
    var n = state.ranked.length;
    if (!state.needs.length) return "";
    if (!n) return "Aucun lieu ni partenaire ne propose encore " + (state.needs.length > 1 ? "ces besoins." : "ce besoin.");
    var text = n > 1 ? n + " lieux et partenaires proposent" : "1 lieu ou partenaire propose";
    text += state.needs.length > 1 ? " au moins un de ces besoins" : " ce besoin";
    if (state.position && !state.position.unknown) text += ", classés aussi par distance à " + state.position.label;
    return text + ".";
  }

  function showSummary(state) {
    $("aide-fiche-besoins").textContent = state.needs.map(function (c) { return data.codes[c].label; }).join(", ");
    $("aide-fiche-pres").textContent = state.position && !state.position.unknown ? state.position.label : "non précisé";
    if (!today) today = new Date().toLocaleDateString("fr-FR", { day: "numeric", month: "long", year: "numeric" });
    $("aide-fiche-date").textContent = today;
  }

  /** Rank and show; ``mode`` is "push", "replace" or "" for the browser's history. */
  function update(mode, final) {
    var state = readForm();
    state.ranked = state.needs.length ? rank(state.needs, state.position && !state.position.unknown ? state.position : null) : [];
    current = state;
    showUnderstood(state);
    showWhere(state, final);
    var text = countText(state);
    if (count.textContent !== text) count.textContent = text;
    var any = state.needs.length > 0, n = state.ranked.length;
    submit.textContent = !any || !n ? "Chercher" : n > 1 ? "Voir les " + n + " résultats" : "Voir le résultat";
    results.hidden = !any;
    byNeed.hidden = any;
    printButton.hidden = !state.ranked.length;
    list.textContent = "";
    shown = 0;
    if (any) {
      showSummary(state);
      showMore(false);
    } else {
      more.hidden = true;
    }
    results.setAttribute("data-version", String(+(results.getAttribute("data-version") || 0) + 1));
    remember(mode);
  }

  // --- the map: the listed results that have coordinates, numbered as in the list ------------------

  var map = null, markers = null;

  function makeMap() {
    var tiles = JSON.parse(config.getAttribute("data-tiles") || "{}");
    map = L.map(mapBox, { zoomControl: false, scrollWheelZoom: false, zoomSnap: 0.5, minZoom: tiles.min_zoom || 0,
                          maxZoom: tiles.max_zoom || 19 });
    L.control.zoom({ zoomInTitle: "Zoom avant", zoomOutTitle: "Zoom arrière" }).addTo(map);
    L.control.scale({ metric: true, imperial: false }).addTo(map);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com" hreflang="en">Leaflet</a>');
    if (tiles.url) {
      L.tileLayer(tiles.url, { attribution: tiles.attribution || "", maxZoom: tiles.max_zoom || 19 }).addTo(map);
    }
    markers = L.layerGroup().addTo(map);
  }

  function popup(result, rankNumber, state) {
    var box = element("div", "help-popup");
    var link = element("a", "help-popup-title", rankNumber + ". " + result.helper[F.name]);
    link.href = absolute(result.helper[F.url]);
    box.appendChild(link);
    box.appendChild(element("p", "", reason(result, state.needs)));
    var page = element("a", "", result.helper[F.kind] === "lieu" ? "Voir la fiche du lieu" : "Voir la page du partenaire");
    page.href = link.href;
    box.appendChild(page);
    return box;
  }

  function drawMap(state) {
    var located = [];
    for (var i = 0; i < shown; i += 1) {
      var r = state.ranked[i];
      if (r.helper[F.lat] !== null && r.helper[F.lon] !== null) located.push([r, i + 1]);
    }
    var missing = shown - located.length;
    mapNote.textContent = !missing ? "" : missing === 1
      ? "1 résultat affiché n'est pas localisé\u00a0: il figure dans la liste, pas sur la carte."
      : missing + " résultats affichés ne sont pas localisés\u00a0: ils figurent dans la liste, pas sur la carte.";
    mapBox.hidden = !located.length;
    if (!located.length || typeof L === "undefined") return;
    if (!map) makeMap();
    map.invalidateSize();
    markers.clearLayers();
    var bounds = [];
    located.forEach(function (pair) {
      var r = pair[0], n = pair[1], point = [r.helper[F.lat], r.helper[F.lon]];
      var marker = L.marker(point, {
        icon: L.divIcon({ className: "help-marker help-marker-" + r.helper[F.kind], html: "<span>" + n + "</span>",
                          iconSize: [28, 28], iconAnchor: [14, 14], popupAnchor: [0, -12] }),
        title: n + ". " + r.helper[F.name], alt: r.helper[F.name], riseOnHover: true,
        zIndexOffset: (1000 - n) * 1000  // the better ranked on top of the others
      });
      marker.bindPopup(function () { return popup(r, n, state); }, { maxWidth: 280 });
      markers.addLayer(marker);
      bounds.push(point);
    });
    var p = state.position;
    if (p && !p.unknown) {
      markers.addLayer(L.marker([p.lat, p.lon], {
        icon: L.divIcon({ className: "help-here", html: "<span></span>", iconSize: [24, 24], iconAnchor: [12, 12] }),
        title: p.label === "votre position" ? "Votre position" : "Près de " + p.label,
        interactive: false, keyboard: false
      }));
      bounds.push([p.lat, p.lon]);
    }
    map.fitBounds(bounds, { padding: [28, 28], maxZoom: 14, animate: false });
  }

  // --- events -----------------------------------------------------------------------------------------

  var typing = null;
  function later(fn) {
    clearTimeout(typing);
    typing = setTimeout(fn, TYPING_DELAY);
  }

  function start() {
    form.setAttribute("data-ready", "");
    boxes.forEach(function (b) { b.addEventListener("change", function () { update("push", false); }); });
    words.addEventListener("input", function () { later(function () { update("replace", false); }); });
    where.addEventListener("input", function () {
      setMe(null);
      later(function () { update("replace", false); });
    });
    where.addEventListener("change", function () { clearTimeout(typing); update("replace", true); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(typing);
      update("push", true);
      if (!results.hidden) title.focus();
    });
    more.addEventListener("click", function () { showMore(true); });
    printButton.addEventListener("click", function () { window.print(); });
    window.addEventListener("popstate", function () {
      readUrl();
      update("", true);
    });
    if (navigator.geolocation) {
      nearMe.hidden = false;
      nearMe.addEventListener("click", function () {
        if (me) {
          setMe(null);
          update("", true);
          return;
        }
        whereMessage.textContent = "Recherche de votre position…";
        navigator.geolocation.getCurrentPosition(function (found) {
          setMe({ lat: found.coords.latitude, lon: found.coords.longitude });
          where.value = "";
          update("replace", true);
        }, function (error) {
          whereMessage.textContent = error.code === 1
            ? "La géolocalisation n'est pas autorisée\u00a0: indiquez plutôt une commune."
            : "Votre position n'a pas pu être trouvée\u00a0: indiquez plutôt une commune.";
        }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 });
      });
    }
    readUrl();
    update("", true);
  }

  base = new URL(config.getAttribute("data-base") || "./", document.baseURI).href;
  fetch(new URL(config.getAttribute("data-data"), document.baseURI).href)
    .then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    })
    .then(function (json) {
      load(json);
      start();
    })
    .catch(function () {
      count.textContent = "La recherche n'a pas pu être chargée\u00a0: la liste «\u00a0Qui propose quoi\u00a0» ci-dessous reste à jour.";
    });
})();
