/* The « Rechercher » page: one search box for the whole site.
 *
 * Places are found in the finder's own search data (lieux-recherche.json, fetched once, the same
 * fold, words, synonyms and matching as the map: find-core.js), ranked by what names and situates
 * them first, and shown by ten with links to the map and the directory filtered the same way.
 * Partners, projects, events and pages are found by Pagefind (its index holds only them:
 * plugins/lieux/tools/pagefind.py), whose default UI lists them below, in French, driven by the
 * same box. The address keeps « q », so the header's search box (GET ?q=…) lands on the results.
 * Every text is inserted with textContent, never as HTML. */
(function () {
  "use strict";

  var NBSP = "\u00a0";
  var SHOWN = 10;
  var TRANSLATIONS = {
    placeholder: "Partenaire, projet, événement, page…",
    clear_search: "Effacer",
    load_more: "Afficher plus de résultats",
    search_label: "Rechercher parmi les partenaires, projets, événements et pages",
    filters_label: "Affiner",
    zero_results: "Aucun partenaire, projet, événement ni page pour «" + NBSP + "[SEARCH_TERM]" + NBSP + "»",
    many_results: "[COUNT] pages pour «" + NBSP + "[SEARCH_TERM]" + NBSP + "»",
    one_result: "[COUNT] page pour «" + NBSP + "[SEARCH_TERM]" + NBSP + "»",
    alt_search: "Aucune page pour «" + NBSP + "[SEARCH_TERM]" + NBSP + "». Résultats pour «" + NBSP +
      "[DIFFERENT_TERM]" + NBSP + "» à la place",
    search_suggestion: "Aucune page pour «" + NBSP + "[SEARCH_TERM]" + NBSP + "». Essayez l'une de ces recherches" +
      NBSP + ":",
    searching: "Recherche de «" + NBSP + "[SEARCH_TERM]" + NBSP + "»…"
  };

  function remember(term) {
    var url = new URL(window.location.href);
    if (term) url.searchParams.set("q", term);
    else url.searchParams.delete("q");
    window.history.replaceState(null, "", url.pathname + url.search + url.hash);
  }

  /* The places' search data, fetched once: rows with their searchable texts. */
  function Places(section) {
    this.section = section;
    this.count = document.getElementById("recherche-lieux-nombre");
    this.list = document.getElementById("recherche-lieux-liste");
    this.links = document.getElementById("recherche-lieux-liens");
    this.loading = null;
  }

  Places.prototype.load = function () {
    var self = this;
    var T = window.LieuxFind;
    if (!this.loading) {
      this.loading = fetch(this.section.getAttribute("data-search")).then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      }).then(function (data) {
        var F = {};
        data.fields.forEach(function (name, i) { F[name] = i; });
        self.rows = data.places.map(function (row) {
          var head = " " + T.words(row[F.nom]) + " ";
          return { id: row[F.id], title: row[F.titre], where: row[F.situation], head: head,
                   text: head + T.words(row[F.texte]) + " " + T.words(T.fold(row[F.description])) + " " };
        });
        self.searcher = new T.Searcher(data.synonyms, data.arrondissements);
      });
    }
    return this.loading;
  };

  Places.prototype.show = function (term) {
    var self = this;
    this.term = term;
    if (!term.trim()) {
      this.section.hidden = true;
      return;
    }
    this.load().then(function () {
      if (self.term === term) self.render(term);
    }).catch(function () {
      self.section.hidden = false;
      self.count.textContent = "Les lieux n'ont pas pu être cherchés.";
    });
  };

  Places.prototype.render = function (term) {
    var T = window.LieuxFind;
    var units = this.searcher.compile(term);
    var found = units.length ? this.rows.filter(function (row) { return T.matches(row.text, units); }) : [];
    found.sort(function (a, b) {
      return (T.score(b.head, units) - T.score(a.head, units)) || a.title.localeCompare(b.title, "fr");
    });
    this.section.hidden = false;
    this.count.textContent = found.length ?
      T.places(found.length) + " pour «" + NBSP + term.trim() + NBSP + "»" + (found.length > SHOWN ? ", dont les " + SHOWN + " premiers" : "") :
      "Aucun lieu pour «" + NBSP + term.trim() + NBSP + "»";
    this.list.textContent = "";
    var base = this.section.getAttribute("data-base");
    var pattern = this.section.getAttribute("data-place-url");
    found.slice(0, SHOWN).forEach(function (row) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = base + pattern.replace("{id}", encodeURIComponent(row.id));
      link.textContent = row.title;
      item.appendChild(link);
      if (row.where) {
        var where = document.createElement("span");
        where.className = "search-places-where";
        where.textContent = " · " + row.where;
        item.appendChild(where);
      }
      this.list.appendChild(item);
    }, this);
    this.links.hidden = !found.length;
    var query = "?q=" + encodeURIComponent(term.trim());
    document.getElementById("recherche-lieux-carte").href = this.section.getAttribute("data-map") + query;
    document.getElementById("recherche-lieux-annuaire").href = this.section.getAttribute("data-directory") + query;
  };

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("recherche");
    var input = document.getElementById("recherche-q");
    var section = document.getElementById("recherche-lieux");
    if (!box || !input || !section) return;
    var places = window.LieuxFind ? new Places(section) : null;
    var query = new URLSearchParams(window.location.search).get("q") || "";
    input.value = query;
    var ui = null;
    if (window.PagefindUI) {
      ui = new window.PagefindUI({
        element: "#recherche",
        showImages: false,
        showSubResults: false,
        autofocus: false,
        translations: TRANSLATIONS
      });
    } else {
      box.querySelector(".search-missing").hidden = false;
    }
    var timer = 0;
    function search(term) {
      remember(term);
      if (places) places.show(term);
      if (ui) ui.triggerSearch(term);
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { search(input.value); }, 120);
    });
    input.form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(timer);
      search(input.value);
    });
    if (query) search(query);
    else input.focus();
  });
})();
