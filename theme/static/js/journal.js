/* The journal filtered by project status; the page is complete without it. */
(function () {
  "use strict";
  var form = document.getElementById("filtre-suivi");
  if (!form) return;
  form.hidden = false;
  var items = Array.prototype.slice.call(document.querySelectorAll(".journal li"));
  var params = new URLSearchParams(window.location.search);
  form.elements.statut.value = params.get("statut") || "";

  function apply() {
    var status = form.elements.statut.value;
    var shown = 0;
    items.forEach(function (item) {
      item.hidden = Boolean(status) && item.getAttribute("data-statut") !== status;
      if (!item.hidden) shown += 1;
    });
    form.elements.count.value = shown + (shown > 1 ? " nouvelles" : " nouvelle");
    var url = new URL(window.location.href);
    if (status) url.searchParams.set("statut", status); else url.searchParams.delete("statut");
    window.history.replaceState(null, "", url);
  }

  form.addEventListener("change", apply);
  apply();
})();
