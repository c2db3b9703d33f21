"""The search data of « trouver un lieu » (outputs/find.py), and the browser's fold, words and query
matching (theme/static/js/find-core.js) checked against Python's ``lieux.core.text.fold``."""

import json
import sys
import unicodedata

import pytest
from conftest import FIXTURES, ROOT
from lieux.core.text import fold, slugify
from lieux.outputs.mapdata import map_places

CORE = ROOT / "theme" / "static" / "js" / "find-core.js"
CACHE = FIXTURES / "geocache-small.csv"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from conftest import build

    return build(tmp_path_factory.mktemp("find") / "output", FIXTURES / "places-small.csv", cache=CACHE)


@pytest.fixture(scope="module")
def search_data(site):
    return json.loads((site / "lieux-recherche.json").read_text(encoding="utf-8"))


def rows(data):
    column = {name: i for i, name in enumerate(data["fields"])}
    return {row[column["id"]]: {name: row[i] for name, i in column.items()} for row in data["places"]}


def test_the_search_data_holds_every_place_with_its_words_folded(search_data):
    places = rows(search_data)
    assert sorted(places) == ["atelier-a", "cowork-b", "ecole-e", "incub-c", "tiers-d"]
    atelier = places["atelier-a"]
    # Name, commune, arrondissement, postcode and type rank first; address, operator, themes, services after.
    assert atelier["nom"] == "atelier a paris paris 11e arrondissement 75011 fablab 75 paris"
    assert atelier["texte"] == "1 rue de l'atelier association a numerique design prototypage et fabrication formation"
    assert atelier["description"] == 'Un fablab, avec des "guillemets" et une virgule'  # as written: it is shown


def test_the_search_data_leads_synonyms_to_the_labels_of_the_schema(search_data):
    synonyms = {tuple(pair) for pair in search_data["synonyms"]}
    assert ("impression 3d", "prototypage et fabrication") in synonyms
    assert ("decoupe laser", "prototypage et fabrication") in synonyms
    assert ("fablabs", "fablab") in synonyms  # a type's plural
    assert ("makerspace", "fablab") in synonyms  # built-in words for the types
    assert all(a == fold(a) and b == fold(b) for a, b in synonyms)
    assert search_data["arrondissements"] == ["paris"]


def test_the_map_data_points_into_its_tables(site):
    data = json.loads((site / "lieux-carte.json").read_text(encoding="utf-8"))
    places = {p["id"]: p for p in map_places(data)}
    atelier = places["atelier-a"]
    assert data["communes"][atelier["commune"]] == "Paris"
    assert data["departements"][atelier["dep"]] == {"code": "75", "label": "75 · Paris"}
    assert atelier["arr"] == 11
    services = [s["code"] for i, s in enumerate(data["services"]) if atelier["services"] & (1 << i)]
    assert services == ["prototypage", "formation"]
    tiers = places["tiers-d"]
    assert tiers["commune"] == -1 and tiers["arr"] == 0 and data["departements"][tiers["dep"]]["code"] == "nr"
    assert {t["code"]: (t["count"], t["total"]) for t in data["types"]}["fablab"] == (1, 1)
    assert data["unmapped"] == 0


def test_the_pages_of_the_embedded_map_are_written(site):
    embed = (site / "carte" / "integrer" / "index.html").read_text(encoding="utf-8")
    assert '<meta name="robots" content="noindex">' in embed and "data-embed" in embed
    assert "site-header" not in embed
    help_page = (site / "integrer" / "index.html").read_text(encoding="utf-8")
    assert "<iframe" in help_page and "carte/integrer/" in help_page


# ---- The browser's side, in headless Chromium ----

chromium_only = pytest.mark.skipif(
    not __import__("test_e2e").CHROMIUM, reason="Debian's chromium is not installed: browser tests skipped")


@pytest.fixture(scope="module")
def js():
    """A blank page with find-core.js loaded."""
    from playwright.sync_api import sync_playwright
    from test_e2e import CHROMIUM

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        page = browser.new_page()
        page.set_content("<!DOCTYPE html><title>fold</title>")
        page.add_script_tag(path=str(CORE))
        yield page
        browser.close()


def assigned(cp: int) -> bool:
    return unicodedata.category(chr(cp)) not in ("Cn", "Cs")


@chromium_only
def test_the_javascript_fold_mirrors_python_on_every_character(js):
    """Every code point Unicode 14 assigns (Python 3.11's tables), alone and between letters."""
    if sys.version_info[:2] != (3, 11):
        pytest.skip("find-core.js mirrors the Unicode tables of Python 3.11")
    points = [cp for cp in range(0x110000) if assigned(cp)]
    for start in range(0, len(points), 20000):
        chunk = ["a" + chr(cp) + "b " for cp in points[start:start + 20000]]
        got = js.evaluate("texts => texts.map(LieuxFind.fold)", chunk)
        wrong = [(hex(points[start + i]), t, g, fold(t))
                 for i, (t, g) in enumerate(zip(chunk, got, strict=True)) if g != fold(t)]
        # The browser's Unicode is newer than Python's: a few characters gained a decomposition since.
        assert len(wrong) < 10, wrong[:10]


@chromium_only
def test_the_javascript_fold_mirrors_python_on_the_data(js):
    import csv

    with open(ROOT / "data" / "places.csv", encoding="utf-8") as f:
        texts = [value for row in csv.DictReader(f) for value in row.values() if value]
    texts += ["  Écoles  Numériques ", "Straße", "ΣΊΣΥΦΟΣ", "İstanbul", "ﬁne ﬂow", "Œuvre", "N°\u00a012", "Ⅻe"]
    assert js.evaluate("texts => texts.map(LieuxFind.fold)", texts) == [fold(t) for t in texts]


@chromium_only
def test_the_javascript_slug_mirrors_python_on_the_names(js):
    import csv

    with open(ROOT / "data" / "places.csv", encoding="utf-8") as f:
        names = [row["nom"] for row in csv.DictReader(f)]
    names += ["  Le Café Numérique ! ", "L'Œuvre d'Art", "-- Fab’Lab --", "Ateliers Ünïcodé " * 6, "N°\u00a012"]
    assert js.evaluate("names => names.map(LieuxFind.slug)", names) == [slugify(n) for n in names]


@chromium_only
@pytest.mark.parametrize("text, words", [
    ("Fablabs", "fablab"), ("tiers-lieux", "tier lieu"), ("Paris 11ème", "pari 11e"), ("1er", "1e"),
    ("les bus", "les bus"), ("3D", "3d"), ("l'Atelier", "l atelier"),
])
def test_words_are_made_alike_on_both_sides(js, text, words):
    assert js.evaluate("t => LieuxFind.words(LieuxFind.fold(t))", text) == words


@chromium_only
@pytest.mark.parametrize("query, text, found", [
    ("paris 11", "le lieu paris paris 11e arrondissement 75011", True),
    ("paris 1", "le lieu paris paris 11e arrondissement 75011", False),
    ("paris 11", "11 rue de la paix paris paris 2e arrondissement 75002", False),
    ("75011", "paris 75011", True),
    ("fablabs montreuil", "le jack montreuil fablab", True),
    ("impression 3D", "atelier prototypage et fabrication", True),
    ("impression 3D", "atelier d'impression 3d", True),
    ("mont", "le jack montreuil", True),
    ("treuil", "le jack montreuil", False),
])
def test_a_query_finds_the_words_it_should(js, query, text, found):
    synonyms = [["impression 3d", "prototypage et fabrication"], ["fablabs", "fablab"]]
    assert js.evaluate("""([q, t, s]) => {
        const searcher = new LieuxFind.Searcher(s, ['paris']);
        return LieuxFind.matches(LieuxFind.indexText(LieuxFind.fold(t)), searcher.compile(q));
    }""", [query, text, synonyms]) is found
