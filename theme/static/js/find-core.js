/* Text folding, search and facet counts: the one copy shared by the home page, the embedded map
 * and the directory (window.LieuxFind).
 *
 * fold() mirrors lieux.core.text.fold (Python): NFKD, the combining marks U+0300–U+036F dropped,
 * case folded (str.casefold, not only lower case), white space collapsed as str.split() does.
 * tests/test_find_text.py checks that both agree on every character and every text of the data.
 *
 * Searching happens on normalised words, by one function for both sides (the places' text and
 * the query): words split on anything but letters and digits, ordinals of arrondissements made
 * alike (« 11e », « 11ème », « 11eme » → « 11e », « 1er » → « 1e »), and a trailing s or x
 * dropped from words of four letters or more (« fablabs » → « fablab », « lieux » → « lieu »).
 * Each query word must begin a word of the place (« mont » finds « Montreuil »); a phrase known
 * as a synonym also finds the label it stands for (« impression 3d » → « prototypage et
 * fabrication »); « paris 11 » means the arrondissement only. */
(function () {
  "use strict";

  var MARKS = /[\u0300-\u036f]/g;  // the marks NFKD splits off Latin letters, as Python drops them
  var SPACES = /[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;
  // Where str.casefold() differs from toLowerCase(): ß, final sigma, Cherokee, old Cyrillic forms.
  var CASEFOLD = /[\xdf\u03c2\u13f8-\u13fd\u1c80-\u1c88\uab70-\uabbf]/g;
  var OLD_CYRILLIC = "\u0432\u0434\u043e\u0441\u0442\u0442\u044a\u0463\ua64b";
  var SEPARATORS = /[^\p{L}\p{N}]+/gu;
  var ORDINAL = /(^| )(\d{1,2})(?:e|er|ere|eme|ieme|nd|nde)(?= |$)/g;
  var PLURAL = /(?<=^| )(\p{L}{3,})[sx](?= |$)/gu;
  var ARRONDISSEMENT = /^(\d{1,2})e?$/;
  var LETTER = /^\p{L}$/u;

  function casefold(char) {
    var code = char.charCodeAt(0);
    if (code === 0xdf) return "ss";
    if (code === 0x3c2) return "\u03c3";
    if (code >= 0x1c80 && code <= 0x1c88) return OLD_CYRILLIC.charAt(code - 0x1c80);
    if (code >= 0x13f8 && code <= 0x13fd) return String.fromCharCode(code - 8);
    return String.fromCharCode(code - 0xab70 + 0x13a0);
  }

  /* « Écoles  Numériques » → « ecoles numeriques », exactly as lieux.core.text.fold. */
  function fold(text) {
    return String(text || "").normalize("NFKD").replace(MARKS, "").toLowerCase().replace(CASEFOLD, casefold)
      .replace(SPACES, " ").trim();
  }

  /* Folded text → its normalised words, separated by single spaces. */
  function words(folded) {
    return folded.replace(SEPARATORS, " ").trim().replace(ORDINAL, "$1$2e").replace(PLURAL, "$1");
  }

  /* The searchable form of a place: its normalised words between spaces. */
  function indexText(folded) {
    return " " + words(folded) + " ";
  }

  /* Queries compiled against the synonyms and the communes with arrondissements of the search data. */
  function Searcher(synonyms, arrondissements) {
    this.synonyms = (synonyms || []).map(function (pair) {
      return { words: words(pair[0]).split(" "), target: words(pair[1]) };
    }).filter(function (s) { return s.words[0]; });
    this.arrondissements = {};
    (arrondissements || []).forEach(function (name) { this.arrondissements[words(name)] = true; }, this);
  }

  /* A query → its units: every unit must match, by one of its needles (« needle » begins a word;
   * a needle ending with a space is a whole word). An empty query gives no unit. */
  Searcher.prototype.compile = function (query) {
    var list = words(fold(query)).split(" ").filter(Boolean);
    var units = [];
    var i = 0;
    while (i < list.length) {
      var number = i + 1 < list.length && this.arrondissements[list[i]] ? ARRONDISSEMENT.exec(list[i + 1]) : null;
      if (number) {
        units.push([" " + list[i] + " " + number[1] + "e "]);
        i += 2;
        continue;
      }
      var found = this.synonymsAt(list, i);
      if (found.length) {
        var size = found[0].words.length;
        var needles = [" " + list.slice(i, i + size).join(" ")];
        found.forEach(function (s) { if (needles.indexOf(" " + s.target) === -1) needles.push(" " + s.target); });
        units.push(needles);
        i += size;
        continue;
      }
      // A lone letter (« l » of « l'atelier », the first key typed) begins nearly every text: no filter.
      if (!LETTER.test(list[i])) units.push([" " + list[i]]);
      i += 1;
    }
    return units;
  };

  /* The longest synonyms starting at word i (the query's last word, of three letters or more, may
   * be the start of theirs: « impression 3 » while « 3d » is being typed). */
  Searcher.prototype.synonymsAt = function (list, i) {
    var best = [];
    this.synonyms.forEach(function (s) {
      var size = s.words.length;
      if (i + size > list.length || (best.length && size < best[0].words.length)) return;
      for (var k = 0; k < size; k++) {
        var word = list[i + k];
        var last = i + k === list.length - 1;
        var begins = last && k === size - 1 && word.length >= 3 && s.words[k].indexOf(word) === 0;
        if (word !== s.words[k] && !begins) return;
      }
      if (best.length && size > best[0].words.length) best = [];
      best.push(s);
    });
    return best;
  };

  /* Does a place's text (indexText) hold every unit of the query? */
  function matches(text, units) {
    for (var u = 0; u < units.length; u++) {
      var needles = units[u];
      var ok = false;
      for (var n = 0; n < needles.length && !ok; n++) ok = text.indexOf(needles[n]) !== -1;
      if (!ok) return false;
    }
    return true;
  }

  /* How many units of the query a text holds (to rank the places matched by their name first). */
  function score(text, units) {
    var found = 0;
    for (var u = 0; u < units.length; u++) {
      var needles = units[u];
      for (var n = 0; n < needles.length; n++) {
        if (text.indexOf(needles[n]) !== -1) { found += 1; break; }
      }
    }
    return found;
  }

  /* One pass over n items: the items that match and pass every facet, and each facet's counts
   * following the others (a facet counts the items that pass all facets but itself).
   * facets: [{pass(i) → boolean, count(i)}]; match(i) → boolean, or null for all. */
  function tally(n, match, facets) {
    var results = [];
    var size = facets.length;
    for (var i = 0; i < n; i++) {
      if (match && !match(i)) continue;
      var failed = -1;
      var fails = 0;
      for (var f = 0; f < size && fails < 2; f++) {
        if (!facets[f].pass(i)) { failed = f; fails += 1; }
      }
      if (fails === 0) {
        results.push(i);
        for (f = 0; f < size; f++) facets[f].count(i);
      } else if (fails === 1) {
        facets[failed].count(i);
      }
    }
    return results;
  }

  /* « Le Café Numérique ! » → « le-cafe-numerique », exactly as lieux.core.text.slugify (a place's id
   * when the map's data leaves it out). */
  function slug(text) {
    return fold(text).replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60).replace(/-+$/, "");
  }

  /* « 1 lieu », « 12 lieux », « 1 234 lieux » (French grouping, no-break space). */
  function places(count) {
    var digits = String(count).replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f");
    return digits + (count > 1 ? "\u00a0lieux" : "\u00a0lieu");
  }

  window.LieuxFind = {
    fold: fold, words: words, indexText: indexText, Searcher: Searcher, matches: matches, score: score, tally: tally,
    places: places, slug: slug
  };
})();
