/* Live filtering of the directory by text, type, département and service.
 * The page works without it: this only reveals the form and hides rows. */
(function () {
  "use strict";

  function normalise(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }

  var form = document.getElementById("filtres");
  if (!form) return;
  form.hidden = false;
  var items = Array.prototype.slice.call(document.querySelectorAll(".place-list li"));
  var sections = Array.prototype.slice.call(document.querySelectorAll(".dep-section, .type-section"));
  var empty = document.getElementById("aucun");

  function apply() {
    var words = normalise(form.elements.q.value).split(/\s+/).filter(Boolean);
    var type = form.elements.type.value;
    var dep = form.elements.dep.value;
    var service = form.elements.service.value;
    var shown = 0;
    items.forEach(function (item) {
      var text = item.getAttribute("data-search");
      var ok = (!type || item.getAttribute("data-type") === type) &&
        (!dep || item.getAttribute("data-dep") === dep) &&
        (!service || item.getAttribute("data-services").split(" ").indexOf(service) !== -1) &&
        words.every(function (word) { return text.indexOf(word) !== -1; });
      item.hidden = !ok;
      if (ok) shown += 1;
    });
    sections.forEach(function (section) {
      section.hidden = !section.querySelector(".place-list li:not([hidden])");
    });
    form.elements.count.value = shown + (shown > 1 ? " lieux" : " lieu");
    empty.hidden = shown !== 0;
  }

  form.addEventListener("input", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  apply();
})();
