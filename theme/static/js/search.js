/* The « Rechercher » page: Pagefind's default UI over the index built after Pelican
 * (plugins/lieux/tools/pagefind.py), in French, started with the « q » of the address so that
 * the header's search box (GET ?q=…) lands on its results. The address follows the search. */
(function () {
  "use strict";

  var NBSP = "\u00a0";
  var TRANSLATIONS = {
    placeholder: "Lieu, partenaire, projet, commune, thématique…",
    clear_search: "Effacer",
    load_more: "Afficher plus de résultats",
    search_label: "Rechercher sur le site",
    filters_label: "Affiner",
    zero_results: "Aucun résultat pour «" + NBSP + "[SEARCH_TERM]" + NBSP + "»",
    many_results: "[COUNT] résultats pour «" + NBSP + "[SEARCH_TERM]" + NBSP + "»",
    one_result: "[COUNT] résultat pour «" + NBSP + "[SEARCH_TERM]" + NBSP + "»",
    alt_search: "Aucun résultat pour «" + NBSP + "[SEARCH_TERM]" + NBSP + "». Résultats pour «" + NBSP +
      "[DIFFERENT_TERM]" + NBSP + "» à la place",
    search_suggestion: "Aucun résultat pour «" + NBSP + "[SEARCH_TERM]" + NBSP + "». Essayez l'une de ces recherches" +
      NBSP + ":",
    searching: "Recherche de «" + NBSP + "[SEARCH_TERM]" + NBSP + "»…"
  };

  function remember(term) {
    var url = new URL(window.location.href);
    if (term) url.searchParams.set("q", term);
    else url.searchParams.delete("q");
    window.history.replaceState(null, "", url.pathname + url.search + url.hash);
    return term;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("recherche");
    if (!box) return;
    if (!window.PagefindUI) {
      box.querySelector(".search-missing").hidden = false;
      return;
    }
    var query = new URLSearchParams(window.location.search).get("q") || "";
    var ui = new window.PagefindUI({
      element: "#recherche",
      showImages: false,
      showSubResults: false,
      autofocus: !query,
      translations: TRANSLATIONS,
      processTerm: remember
    });
    if (query) ui.triggerSearch(query);
  });
})();
