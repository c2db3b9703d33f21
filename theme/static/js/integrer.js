/* « Intégrer la carte »: the <iframe> code for the selection in this page's address (the same
 * parameters as the map's), with an absolute address, a preview, and a button to copy it. */
(function () {
  "use strict";

  var KEEP = ["q", "type", "dep", "commune", "service", "fermes", "lieu", "vue"];
  var code = document.getElementById("embed-code");
  if (!code) return;
  var given = new URLSearchParams(window.location.search);
  var params = new URLSearchParams();
  given.forEach(function (value, name) { if (KEEP.indexOf(name) !== -1 && value) params.append(name, value); });
  var search = params.toString() ? "?" + params.toString() : "";
  var url = new URL(code.getAttribute("data-embed") + search, window.location.href).href;

  function label(kind, value) {
    var item = document.querySelector('[data-code="' + kind + ":" + value.replace(/["\\]/g, "") + '"]');
    return item ? item.getAttribute("data-label") : value;
  }

  var parts = [];
  if (params.get("q")) parts.push("«\u00a0" + params.get("q") + "\u00a0»");
  var types = params.getAll("type").map(function (t) { return label("type", t); });
  if (types.length) parts.push(types.join(", "));
  if (params.get("dep")) parts.push(label("dep", params.get("dep")));
  if (params.get("commune")) parts.push(params.get("commune"));
  if (params.get("service")) parts.push(label("service", params.get("service")));
  if (params.get("fermes") === "1") parts.push("lieux fermés compris");
  var summary = parts.join(", ");
  var title = "Carte des lieux d'innovation" + (summary ? " : " + summary : "");

  var iframe = document.createElement("iframe");
  iframe.setAttribute("src", url);
  iframe.setAttribute("title", title);
  iframe.setAttribute("width", "100%");
  iframe.setAttribute("height", "500");
  iframe.setAttribute("style", "border:0");
  iframe.setAttribute("loading", "lazy");
  code.value = iframe.outerHTML;

  if (summary) {
    var selection = document.getElementById("embed-selection");
    selection.textContent = "Sélection\u00a0: " + summary + ".";
  }
  var preview = document.getElementById("embed-preview");
  if (preview && search) preview.src = code.getAttribute("data-embed") + search;

  var button = document.getElementById("embed-copy");
  var status = document.getElementById("embed-copied");
  button.addEventListener("click", function () {
    var done = function () { status.textContent = "Code copié."; };
    code.focus();
    code.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(code.value).then(done, function () {
        status.textContent = "Copie impossible : le code est sélectionné, copiez-le avec Ctrl+C.";
      });
    } else {
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      status.textContent = ok ? "Code copié." : "Le code est sélectionné : copiez-le avec Ctrl+C.";
    }
  });
})();
