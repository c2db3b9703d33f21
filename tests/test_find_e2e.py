"""« Trouver un lieu », end to end: the real site in headless Chromium (tiles answered locally).

Every state is a link; searching by postcode, arrondissement, plural and synonym; near me without
sending the position; keyboard paths to a place page through the list and through a marker; the
embedded map; the legend; Leaflet in French; no layout shift; no script; axe-core (WCAG 2.1 AA).
"""

import csv
import json
import math
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import ROOT
from lieux.outputs.mapdata import map_places
from test_e2e import CHROMIUM, browser, map_at_rest, real_site, shown_places, visit  # noqa: F401 - fixtures

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed: browser tests skipped")

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
MONTREUIL = {"latitude": 48.8619, "longitude": 2.4432}  # the mocked position: place de la mairie de Montreuil


@pytest.fixture(scope="module")
def places(real_site):  # noqa: F811 - the fixture imported above
    """The rows of data/places.csv that are on the map (ids from the built map data), by id."""
    with open(ROOT / "data" / "places.csv", encoding="utf-8") as f:
        rows = {r["id"]: r for r in csv.DictReader(f)}
    from urllib.request import urlopen

    data = json.loads(urlopen(real_site + "/lieux-carte.json").read().decode("utf-8"))
    mapped = {place["id"]: (place["lat"], place["lon"]) for place in map_places(data)}
    return {"rows": rows, "mapped": mapped, "data": data}


def settled(page):
    """Wait until the finder has applied its state: no update pending, the search data there if needed."""
    page.wait_for_function("""() => {
        const f = window.PlacesFind && PlacesFind.finder;
        return f && f.timer === 0 && !f.writeTimer && (!f.state.q.trim() || f.searcher)
          && document.getElementById('finder').hasAttribute('data-results');
    }""")


def search(page, text):
    page.fill("#finder-q", text)
    settled(page)


def result_ids(page):
    """The ids of every result, in order (not only the 50 entries drawn)."""
    return page.evaluate("() => { const f = PlacesFind.finder; return f.results.map(i => f.idOf(i)); }")


def shown_ids(page):
    return page.eval_on_selector_all("#finder-results .result-name",
                                     "links => links.map(a => a.getAttribute('href').split('/').filter(Boolean).pop())")


def focus_by_tab(page, predicate, limit=150):
    """Press Tab until the focused element satisfies ``predicate`` (JavaScript taking the element)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => ({predicate})(el))(document.activeElement)"):
            return
    raise AssertionError(f"never focused by Tab: {predicate}")


def km(a, b):
    (lat1, lon1), (lat2, lon2) = a, b
    r = math.pi / 180
    h = (math.sin((lat2 - lat1) * r / 2) ** 2
         + math.cos(lat1 * r) * math.cos(lat2 * r) * math.sin((lon2 - lon1) * r / 2) ** 2)
    return 12742 * math.asin(math.sqrt(h))


def distance_value(text):
    number, unit = text.replace("\u00a0", " ").split(" ")
    value = float(number.replace(",", "."))
    return value / 1000 if unit == "m" else value


def test_a_url_reproduces_a_state_and_survives_back_and_forward(real_site, visit, places):  # noqa: F811
    v = visit(real_site + "/?type=fablab&dep=93")
    page = v.page
    settled(page)
    assert page.get_by_role("checkbox", name=re.compile("^Fablabs")).is_checked()
    assert page.input_value("#finder-dep") == "93"
    in_93 = result_ids(page)
    assert in_93 and all(places["rows"][i]["type"] == "fablab" and places["rows"][i]["code_postal"].startswith("93")
                         for i in in_93)
    assert int(page.get_attribute(".folium-map", "data-shown")) == len(in_93)
    search(page, "montreuil")
    in_montreuil = result_ids(page)
    assert 0 < len(in_montreuil) < len(in_93)
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"q": ["montreuil"], "type": ["fablab"], "dep": ["93"]}
    # Choosing a place puts it in the address too.
    page.locator("#finder-results .result-locate").first.click()
    page.wait_for_selector(".leaflet-popup .place-popup-title")
    chosen = page.locator(".leaflet-popup .place-popup-title").text_content()
    assert parse_qs(urlsplit(page.url).query)["lieu"] == [in_montreuil[0]]
    copied = page.url

    # The copied address shows the same thing in a new tab.
    other = visit(copied).page
    settled(other)
    other.wait_for_selector(".leaflet-popup .place-popup-title")
    assert result_ids(other) == in_montreuil
    assert other.locator(".leaflet-popup .place-popup-title").text_content() == chosen
    assert other.input_value("#finder-q") == "montreuil"

    # Back: the popup closes; back again: the query goes; forward: it comes back.
    page.go_back()
    page.wait_for_selector(".leaflet-popup", state="detached")
    settled(page)
    assert result_ids(page) == in_montreuil
    page.go_back()
    settled(page)
    assert page.input_value("#finder-q") == ""
    assert result_ids(page) == in_93
    page.go_forward()
    settled(page)
    assert page.input_value("#finder-q") == "montreuil"
    assert result_ids(page) == in_montreuil
    assert v.errors == [] and v.foreign_requests() == []


@pytest.mark.parametrize("query", ["75011", "paris 11", "Paris 11e", "PARIS 11ème"])
def test_a_postcode_or_an_arrondissement_finds_the_places_of_the_11th(real_site, visit, places, query):  # noqa: F811
    v = visit(real_site + "/")
    search(v.page, query)
    expected = {i for i, r in places["rows"].items() if r["code_postal"] == "75011" and i in places["mapped"]}
    assert len(expected) > 10
    assert set(result_ids(v.page)) == expected
    assert v.errors == []


def test_a_plural_finds_every_fablab(real_site, visit, places):  # noqa: F811
    v = visit(real_site + "/")
    search(v.page, "fablabs")
    found = set(result_ids(v.page))
    fablabs = {i for i, r in places["rows"].items() if r["type"] == "fablab" and i in places["mapped"]}
    assert fablabs <= found
    # Nothing else than fablabs and places offering what a fablab offers (« fablab » is a synonym of it).
    assert all(places["rows"][i]["type"] == "fablab" or "prototypage" in places["rows"][i]["services"] for i in found)
    assert v.errors == []


def test_impression_3d_finds_the_places_that_offer_prototyping(real_site, visit, places):  # noqa: F811
    v = visit(real_site + "/")
    search(v.page, "impression 3d")
    expected = {i for i, r in places["rows"].items()
                if "prototypage" in r["services"].split("|") and i in places["mapped"]}
    assert len(expected) > 30
    assert set(result_ids(v.page)) == expected
    search(v.page, "Imprimantes 3D")  # plural, capitals: the same
    assert set(result_ids(v.page)) == expected


def test_fablab_montreuil_lists_the_fablabs_of_montreuil_first(real_site, visit, places):  # noqa: F811
    v = visit(real_site + "/")
    search(v.page, "fablab montreuil")
    expected = {i for i, r in places["rows"].items()
                if r["type"] == "fablab" and r["commune"] == "Montreuil" and i in places["mapped"]}
    assert len(expected) >= 5
    found = result_ids(v.page)
    assert set(found[: len(expected)]) == expected
    assert shown_ids(v.page)[: len(expected)] == found[: len(expected)]
    # The rest only mention Montreuil elsewhere (an address rue de Montreuil).
    assert all("montreuil" in places["rows"][i]["adresse"].lower() for i in found[len(expected):])
    assert v.errors == [] and v.foreign_requests() == []


def test_near_me_sorts_by_distance_and_no_request_carries_the_position(real_site, visit, places):  # noqa: F811
    v = visit(real_site + "/", geolocation=MONTREUIL, permissions=["geolocation"])
    page = v.page
    settled(page)
    page.get_by_role("button", name="Près de moi").click()
    page.wait_for_function("document.getElementById('finder-count').textContent.includes('plus proche')")
    settled(page)
    found = result_ids(page)
    origin = (MONTREUIL["latitude"], MONTREUIL["longitude"])
    distances = [km(origin, places["mapped"][i]) for i in found]
    assert distances == sorted(distances)
    assert found[0] == min(places["mapped"], key=lambda i: km(origin, places["mapped"][i]))
    shown = page.eval_on_selector_all("#finder-results .result-distance", "els => els.map(e => e.textContent)")
    assert len(shown) == 50
    assert all(re.fullmatch(r"\d+\u00a0m|\d+,\d\u00a0km|\d+\u00a0km", s) for s in shown), shown
    assert [distance_value(s) for s in shown] == sorted(distance_value(s) for s in shown)
    assert abs(distance_value(shown[0]) - distances[0]) < 0.06
    # The map is framed around the position; the reader moves it: still no position anywhere.
    page.mouse.move(900, 500)
    page.mouse.down()
    page.mouse.move(950, 560, steps=5)
    page.mouse.up()
    page.wait_for_timeout(300)
    for url in [page.url, *v.requests]:
        assert not re.search(r"48[.,]86|2[.,]44", url), url
        assert "pres=" not in url and "vue=" not in url
    assert v.errors == [] and v.foreign_requests() == []


def test_near_a_commune_sorts_by_distance_and_is_a_link(real_site, visit, places):  # noqa: F811
    v = visit(real_site + "/?pres=Montreuil")
    page = v.page
    page.wait_for_function("document.getElementById('finder-count').textContent.includes('Montreuil')")
    settled(page)
    assert page.input_value("#finder-pres") == "Montreuil"
    found = result_ids(page)
    montreuil = [places["mapped"][i] for i, r in places["rows"].items()
                 if r["commune"] == "Montreuil" and i in places["mapped"]]
    centre = (sum(p[0] for p in montreuil) / len(montreuil), sum(p[1] for p in montreuil) / len(montreuil))
    distances = [km(centre, places["mapped"][i]) for i in found]
    assert distances == sorted(distances)
    assert places["rows"][found[0]]["commune"] == "Montreuil"
    page.fill("#finder-pres", "75011")
    page.press("#finder-pres", "Enter")
    page.wait_for_function("document.getElementById('finder-count').textContent.includes('75011')")
    settled(page)
    assert parse_qs(urlsplit(page.url).query)["pres"] == ["75011"]
    assert places["rows"][result_ids(page)[0]]["code_postal"] == "75011"
    assert v.errors == []


def test_pres_de_offers_the_communes_of_the_map_once_the_field_is_used(real_site, visit, places):  # noqa: F811
    page = visit(real_site + "/").page
    settled(page)
    assert page.locator("#finder-communes option").count() == 0
    page.focus("#finder-pres")
    options = page.eval_on_selector_all("#finder-communes option", "els => els.map(e => e.value)")
    assert options == places["data"]["communes"]


def test_the_keyboard_leads_from_the_home_page_to_a_place_through_the_list(real_site, visit):  # noqa: F811
    v = visit(real_site + "/")
    page = v.page
    settled(page)
    focus_by_tab(page, "el => el.id === 'finder-q'")
    page.keyboard.type("le jack")
    settled(page)
    focus_by_tab(page, "el => el.matches('#finder-results .result-name')")
    assert page.evaluate("document.activeElement.textContent") == "Le Jack"
    # Focusing an entry marks its place on the map.
    assert page.locator(".leaflet-marker-pane .is-highlighted").count() == 1
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/lieux/le-jack/$"))
    assert page.locator("h1").text_content() == "Le Jack"
    assert v.errors == []


def test_the_keyboard_leads_from_the_home_page_to_a_place_through_a_marker(real_site, visit):  # noqa: F811
    v = visit(real_site + "/")
    page = v.page
    settled(page)
    focus_by_tab(page, "el => el.id === 'finder-q'")
    page.keyboard.type("datapaulette")
    settled(page)
    focus_by_tab(page, "el => el.classList.contains('place-marker')")
    assert page.evaluate("document.activeElement.getAttribute('role')") == "button"
    assert page.evaluate("document.activeElement.title").startswith("DataPaulette, fablab")
    page.keyboard.press("Enter")
    page.wait_for_selector(".leaflet-popup")
    assert page.evaluate("!!document.activeElement.closest('.leaflet-popup')")
    assert page.evaluate("document.activeElement.textContent") == "DataPaulette"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/lieux/datapaulette/$"))
    assert v.errors == []


def test_escape_closes_the_popup_and_gives_the_focus_back_to_the_marker(real_site, visit):  # noqa: F811
    v = visit(real_site + "/?q=datapaulette")
    page = v.page
    settled(page)
    page.focus(".leaflet-marker-pane .place-marker")
    page.keyboard.press("Enter")
    page.wait_for_selector(".leaflet-popup")
    assert page.evaluate("!!document.activeElement.closest('.leaflet-popup')")
    assert page.get_attribute(".leaflet-popup-close-button", "aria-label") == "Fermer"
    page.keyboard.press("Escape")
    page.wait_for_selector(".leaflet-popup", state="detached")
    assert page.evaluate("document.activeElement.classList.contains('place-marker')")
    assert "lieu=" not in page.url
    # From the list: Escape brings the focus back to the entry's button.
    page.focus("#finder-results .result-locate")
    page.keyboard.press("Enter")
    page.wait_for_selector(".leaflet-popup")
    page.keyboard.press("Escape")
    page.wait_for_selector(".leaflet-popup", state="detached")
    assert page.evaluate("document.activeElement.classList.contains('result-locate')")
    assert v.errors == []


def test_choosing_a_result_centres_the_map_on_it_and_opens_its_popup(real_site, visit, places):  # noqa: F811
    v = visit(real_site + "/")
    page = v.page
    settled(page)
    entry = page.locator("#finder-results .result").nth(3)
    entry.hover()
    assert page.locator(".leaflet-marker-pane .is-highlighted").count() == 1
    name = entry.locator(".result-name").text_content()
    entry.locator(".result-locate").click()
    page.wait_for_selector(".leaflet-popup .place-popup-title")
    assert page.locator(".place-popup-title").text_content() == name
    place = parse_qs(urlsplit(page.url).query)["lieu"][0]
    centre = page.evaluate("(() => { const c = PlacesFind.finder.map.getCenter(); return [c.lat, c.lng]; })()")
    assert km(centre, places["mapped"][place]) < 0.05
    assert v.errors == []


def test_a_place_address_opens_the_map_on_the_place_with_its_popup(real_site, visit, places):  # noqa: F811
    v = visit(real_site + "/?lieu=le-jack")
    page = v.page
    page.wait_for_selector(".leaflet-popup .place-popup-title")
    assert page.locator(".place-popup-title").text_content() == "Le Jack"
    centre = page.evaluate("(() => { const c = PlacesFind.finder.map.getCenter(); return [c.lat, c.lng]; })()")
    assert km(centre, places["mapped"]["le-jack"]) < 0.3
    assert page.evaluate("PlacesFind.finder.map.getZoom()") >= 15
    assert v.errors == [] and v.foreign_requests() == []


def test_the_list_shows_fifty_places_then_fifty_more(real_site, visit):  # noqa: F811
    v = visit(real_site + "/")
    page = v.page
    settled(page)
    assert page.locator("#finder-results .result").count() == 50
    more = page.locator("#finder-more")
    assert more.is_visible()
    more.click()
    assert page.locator("#finder-results .result").count() == 100
    assert page.evaluate("document.activeElement.closest('.result') === document.querySelectorAll('.result')[50]")


def test_the_embedded_map_shows_only_its_selection(real_site, visit, places):  # noqa: F811
    v = visit(real_site + "/carte/integrer/?type=fablab&dep=93", width=600)
    page = v.page
    page.wait_for_selector(".folium-map[data-loaded]")
    expected = {i for i, r in places["rows"].items()
                if r["type"] == "fablab" and r["code_postal"].startswith("93") and i in places["mapped"]}
    assert len(expected) > 5
    assert page.get_attribute(".folium-map", "data-shown") == str(len(expected))
    assert shown_places(page) == len(expected)
    assert page.locator("#finder-count").text_content() == f"{len(expected)}\u00a0lieux sur la carte"
    assert page.locator(".site-header, .site-footer, #finder-form").count() == 0
    back = page.locator("#embed-full")
    assert parse_qs(urlsplit(back.get_attribute("href")).query) == {"type": ["fablab"], "dep": ["93"]}
    assert page.evaluate("location.search") == "?type=fablab&dep=93"  # an embedded map never writes the address
    page.locator(".leaflet-marker-pane .place-marker, .leaflet-marker-pane .marker-cluster").first.click()
    assert v.errors == [] and v.foreign_requests() == []


def test_the_home_page_gives_the_embed_code_of_its_selection(real_site, visit):  # noqa: F811
    v = visit(real_site + "/?type=fablab&dep=93")
    page = v.page
    settled(page)
    page.get_by_role("link", name="Intégrer cette carte").click()
    page.wait_for_url(re.compile(r"/integrer/\?type=fablab&dep=93$"))
    code = page.input_value("#embed-code")
    assert f'src="{real_site}/carte/integrer/?type=fablab&amp;dep=93"' in code
    assert code.startswith("<iframe ") and 'title="Carte des lieux d\'innovation : Fablabs, Seine-Saint-Denis"' in code
    assert page.get_attribute("#embed-preview", "src").endswith("carte/integrer/?type=fablab&dep=93")
    assert v.errors == []


def test_the_legend_says_how_many_places_are_not_on_the_map(real_site, visit, places):  # noqa: F811
    v = visit(real_site + "/")
    page = v.page
    unmapped = len(places["rows"]) - len(places["mapped"])
    assert unmapped > 0
    legend = page.locator(".map-legend")
    assert re.search(rf"{unmapped} lieux non localisés \(.*\)\u00a0: voir l'annuaire", legend.text_content())
    assert legend.get_by_role("link", name="voir l'annuaire").get_attribute("href") == "./lieux/"
    # Every type on the map is named in words next to its colour.
    for type_ in places["data"]["types"]:
        if type_["count"]:
            assert f"{type_['plural']}\u00a0: {type_['count']}" in legend.text_content()


def test_clusters_say_how_many_places_they_hold_and_markers_are_big_enough(real_site, visit):  # noqa: F811
    v = visit(real_site + "/")
    page = v.page
    page.wait_for_selector(".folium-map[data-loaded]")
    map_at_rest(page)
    clusters = page.eval_on_selector_all(".marker-cluster", "els => els.map(e => [e.getAttribute('aria-label'),"
                                                            " e.textContent, e.getAttribute('role')])")
    assert clusters
    assert all(label == f"Groupe de {text} lieux" and role == "button" for label, text, role in clusters)
    boxes = page.eval_on_selector_all(".place-marker", "els => els.map(e => e.getBoundingClientRect())")
    assert boxes and all(round(b["width"]) >= 24 and round(b["height"]) >= 24 for b in boxes)


def test_the_first_clusters_made_at_build_time_are_those_of_the_browsers_index(real_site, visit, places):  # noqa: F811
    v = visit(real_site + "/")
    page = v.page
    page.wait_for_selector(".folium-map[data-loaded]")
    found = page.evaluate("""() => {
        const layer = PlacesFind.finder.layer;
        layer.prepareFull();
        const out = {};
        for (const zoom of Object.keys(layer.first)) {
          out[zoom] = layer.full.getClusters([-180, -85, 180, 85], +zoom).map(f => f.properties.cluster
            ? [f.geometry.coordinates[0], f.geometry.coordinates[1], f.properties.point_count, f.properties.cluster_id]
            : f.properties.i);
        }
        return out;
    }""")
    first = places["data"]["firstClusters"]
    assert sorted(found) == sorted(first) and first
    for zoom, items in first.items():
        assert [i if isinstance(i, int) else i[2:] for i in found[zoom]] == [
            i if isinstance(i, int) else i[2:] for i in items]
        pairs = zip(found[zoom], items, strict=True)
        assert all(isinstance(a, int) or math.dist(a[:2], b[:2]) < 1e-5 for a, b in pairs)


def test_places_at_one_address_stand_apart_at_street_level(real_site, visit, places):  # noqa: F811
    spots = {}
    for place, point in places["mapped"].items():
        spots.setdefault(tuple(point), []).append(place)
    (lat, lon), together = max(spots.items(), key=lambda item: len(item[1]))
    assert len(together) >= 2
    page = visit(f"{real_site}/?vue=17/{lat}/{lon}").page
    page.wait_for_selector(".folium-map[data-loaded]")
    map_at_rest(page)
    markers = page.eval_on_selector_all(
        ".leaflet-marker-pane .place-marker",
        "els => els.map(e => { const b = e.getBoundingClientRect();"
        " return [e.title, b.x + b.width / 2, b.y + b.height / 2]; })")
    names = [places["rows"][place]["nom"] + "," for place in together]
    centres = [(x, y) for title, x, y in markers if any(title.startswith(name) for name in names)]
    assert len(centres) == len(together)
    assert all(math.dist(a, b) >= 24 for k, a in enumerate(centres) for b in centres[k + 1:])


def test_enter_on_a_cluster_zooms_in_and_keeps_the_focus_on_the_map(real_site, visit):  # noqa: F811
    page = visit(real_site + "/").page
    settled(page)
    map_at_rest(page)
    zoom = page.evaluate("PlacesFind.finder.map.getZoom()")
    page.focus(".leaflet-marker-pane .marker-cluster")
    page.keyboard.press("Enter")
    map_at_rest(page)
    assert page.evaluate("PlacesFind.finder.map.getZoom()") > zoom
    assert page.evaluate("!!document.activeElement.closest('.leaflet-marker-pane')")
    assert shown_places(page) >= 1


def test_leaflet_speaks_french_and_metric(real_site, visit):  # noqa: F811
    v = visit(real_site + "/")
    page = v.page
    assert page.get_attribute(".leaflet-control-zoom-in", "title") == "Zoom avant"
    assert page.get_attribute(".leaflet-control-zoom-out", "aria-label") == "Zoom arrière"
    scale = page.locator(".leaflet-control-scale").text_content()
    assert re.fullmatch(r"\d+ k?m", scale.strip()) and "mi" not in scale and "ft" not in scale
    page.locator(".leaflet-marker-pane .place-marker").first.click()
    assert page.get_attribute(".leaflet-popup-close-button", "aria-label") == "Fermer"
    gestures = page.get_attribute(".folium-map", "data-gesture-handling-touch-content")
    assert gestures == "Utilisez deux doigts pour déplacer la carte"


def test_the_directory_reads_and_writes_the_map_parameters(real_site, visit):  # noqa: F811
    v = visit(real_site + "/lieux/?type=fablab&dep=93")
    page = v.page
    page.wait_for_selector("#annuaire-liste li")
    found = page.eval_on_selector_all("#annuaire-liste li .situation", "els => els.map(e => e.textContent)")
    assert found and all(text.startswith(" · Fablab · ") for text in found)
    assert not page.locator("#annuaire-index").is_visible()
    page.fill("#finder-q", "montreuil")
    page.wait_for_function("location.search.includes('q=montreuil')")
    page.wait_for_function(f"document.querySelectorAll('#annuaire-liste li').length < {len(found)}")
    assert all("Montreuil" in text for text in page.eval_on_selector_all(
        "#annuaire-liste li .situation", "els => els.map(e => e.textContent)"))
    assert parse_qs(urlsplit(page.url).query) == {"q": ["montreuil"], "type": ["fablab"], "dep": ["93"]}
    link = page.get_by_role("link", name="Voir ces lieux sur la carte").get_attribute("href")
    assert parse_qs(urlsplit(link).query) == {"q": ["montreuil"], "type": ["fablab"], "dep": ["93"]}
    assert v.errors == []


def test_on_a_phone_a_switch_shows_the_list_or_the_map(real_site, visit):  # noqa: F811
    v = visit(real_site + "/", width=390)
    page = v.page
    settled(page)
    assert page.locator(".folium-map").is_visible()
    assert not page.locator("#finder-results").is_visible()
    map_box = page.locator(".folium-map").bounding_box()
    assert map_box["y"] < 844 - 300  # the map is on the first screen, with room to see it
    page.get_by_role("button", name=re.compile("^Liste")).click()
    assert page.locator("#finder-results .result").first.is_visible()
    assert not page.locator(".folium-map").is_visible()
    page.locator("#finder-results .result-locate").first.click()  # choosing a place shows it on the map
    page.wait_for_selector(".leaflet-popup .place-popup-title")
    assert page.locator(".folium-map").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert v.errors == []


@pytest.mark.parametrize("width", [1280, 390])
def test_the_home_page_does_not_shift_while_it_loads(real_site, visit, width):  # noqa: F811
    v = visit(real_site + "/", width=width)
    page = v.page
    page.add_init_script("""
        window.__cls = 0;
        new PerformanceObserver(list => {
          for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
        }).observe({type: 'layout-shift', buffered: true});
    """)
    page.reload()
    settled(page)
    page.wait_for_timeout(500)
    assert page.evaluate("window.__cls") < 0.1


def test_the_map_does_not_wait_for_the_search_data(real_site, visit):  # noqa: F811
    v = visit("about:blank")
    page = v.page
    held = []
    page.route("**/lieux-recherche.json", lambda route: held.append(route))  # not answered until the clusters are drawn
    page.goto(real_site + "/")
    page.wait_for_selector(".marker-cluster", timeout=5000)
    assert page.get_attribute("#finder", "data-search-state") in (None, "loading")
    page.focus("#finder-q")  # the first focus asks for it, if the idle time has not already
    page.wait_for_function("document.getElementById('finder').dataset.searchState === 'loading'")
    assert len(held) == 1
    held[0].continue_()
    page.wait_for_function("document.getElementById('finder').dataset.searchState === 'ready'")
    assert v.errors == []


def test_the_home_page_asks_for_the_map_data_once(real_site, visit):  # noqa: F811
    v = visit("about:blank")
    asked = []
    v.page.on("request", lambda request: asked.append(request.url) if "lieux-carte.json" in request.url else None)
    v.page.goto(real_site + "/")
    v.page.wait_for_selector(".marker-cluster", timeout=5000)
    settled(v.page)
    assert len(asked) == 1 and v.errors == []  # the head's preload, taken by its early fetch


def test_without_javascript_the_map_points_to_the_directory(real_site, visit):  # noqa: F811
    v = visit(real_site + "/", java_script_enabled=False)
    page = v.page
    note = page.locator(".map-nojs")
    assert "La carte a besoin de JavaScript" in note.text_content()
    assert note.get_by_role("link").get_attribute("href") == "./lieux/"
    assert not page.get_by_role("button", name="Près de moi").is_visible()
    page.fill("#finder-q", "fablab")
    page.get_by_role("checkbox", name=re.compile("^Fablabs")).check()
    page.press("#finder-q", "Enter")
    page.wait_for_url(re.compile(r"/lieux/\?"))
    assert parse_qs(urlsplit(page.url).query)["q"] == ["fablab"]
    assert parse_qs(urlsplit(page.url).query)["type"] == ["fablab"]
    assert page.locator(".directory-table td a").count() > 20  # the directory's lists, every place reachable
    assert not page.locator("#finder-form").is_visible()  # its form needs JavaScript: hidden


@pytest.mark.parametrize("path", ["/", "/lieux/", "/carte/integrer/?type=fablab&dep=93", "/integrer/?type=fablab"])
def test_axe_finds_no_serious_or_critical_violation(real_site, visit, path):  # noqa: F811
    v = visit(real_site + path)
    page = v.page
    if path == "/":
        settled(page)
    page.wait_for_timeout(300)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    bad = [(x["id"], x["impact"], [n["target"] for n in x["nodes"]][:3]) for x in result["violations"]
           if x["impact"] in ("serious", "critical")]
    assert bad == []
    assert v.errors == [] and v.foreign_requests() == []


def test_the_view_the_reader_chose_is_in_the_address(real_site, visit):  # noqa: F811
    v = visit(real_site + "/?type=fablab")
    page = v.page
    settled(page)
    assert "vue=" not in page.url  # framed by the page: nothing to write
    page.locator(".leaflet-control-zoom-in").click()
    page.wait_for_function("location.search.includes('vue=')")
    view = parse_qs(urlsplit(page.url).query)["vue"][0]
    zoom, lat, lon = view.split("/")
    other = visit(page.url).page
    settled(other)
    state = other.evaluate("(() => { const m = PlacesFind.finder.map, c = m.getCenter();"
                           " return [m.getZoom(), c.lat, c.lng]; })()")
    assert state[0] == int(zoom) and abs(state[1] - float(lat)) < 1e-4 and abs(state[2] - float(lon)) < 1e-4
    assert parse_qs(urlsplit(other.url).query)["type"] == ["fablab"]
    assert v.errors == []
