"""The directory: an index of types × départements, lists cut in pages, every place reachable by links;
the index's search over every place and a list page's filter over its own rows, in Chromium."""

import html
import json
import math
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import ROOT, header, row
from lieux.core.config import Config, ConfigError, read_settings_file
from lieux.tools.benchdirectory import directory_sizes
from lieux.tools.browser import CHROMIUM
from test_pages_browser import browser, open_page  # noqa: F401 - fixtures

PAGE_SIZE = 2
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
browser_only = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed: browser test skipped")


@pytest.fixture(scope="module")
def paged(tmp_path_factory, schema):
    """Five fablabs in Paris and one in Montreuil, listed two by two; a closed coworking, an incubator
    without coordinates and a tiers-lieu without address (so without département)."""
    from conftest import build

    tmp = tmp_path_factory.mktemp("directory")
    places = tmp / "places.csv"
    services = {0: "prototypage|formation", 1: "bureaux", 3: "prototypage"}
    rows = [row(schema, id=f"fablab-{n}", nom=f"Fablab {n}", latitude="48.86", longitude="2.35",
                services=services.get(n, "")) for n in range(5)]
    rows.append(row(schema, id="fablab-montreuil", nom="Fablab de Montreuil", code_postal="93100",
                    commune="Montreuil", latitude="48.86", longitude="2.44"))
    rows.append(row(schema, id="cowork-ferme", nom="Cowork fermé", type="coworking", code_postal="93100",
                    commune="Montreuil", latitude="48.86", longitude="2.44", statut="ferme"))
    rows.append(row(schema, id="incub-sans-point", nom="Incubateur sans point", type="incubateur",
                    code_postal="92100", commune="Boulogne-Billancourt"))
    rows.append(row(schema, id="tiers-sans-adresse", nom="Tiers sans adresse", type="tiers-lieu", adresse="",
                    code_postal="", commune="", latitude="48.90", longitude="2.35"))
    places.write_text(header(schema) + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return build(tmp / "output", places, DIRECTORY_PAGE_SIZE=PAGE_SIZE)


def read(site, path):
    return (site / path).read_text(encoding="utf-8")


def listed(page):
    return re.findall(r'<li[^>]*>\s*<a href="[./]*lieux/([^/"]+)/"', page)


def test_a_list_longer_than_a_page_is_cut_in_numbered_pages(paged):
    pages = [read(paged, f"annuaire/fablab/75/{suffix}index.html") for suffix in ("", "page/2/", "page/3/")]
    assert [listed(page) for page in pages] == [["fablab-0", "fablab-1"], ["fablab-2", "fablab-3"], ["fablab-4"]]
    assert not (paged / "annuaire" / "fablab" / "75" / "page" / "4").exists()


def test_each_page_of_a_list_links_to_the_others_and_marks_itself(paged):
    page = read(paged, "annuaire/fablab/75/page/2/index.html")
    nav = re.search(r'<nav class="pagination" aria-label="Pages de cette liste">(.*?)</nav>', page, re.S).group(1)
    assert re.findall(r'href="([^"]+)"', nav) == ["../../../../../annuaire/fablab/75/",
                                                    "../../../../../annuaire/fablab/75/page/2/",
                                                    "../../../../../annuaire/fablab/75/page/3/"]
    assert '<a href="../../../../../annuaire/fablab/75/page/2/" aria-current="page" aria-label="Page 2">2</a>' in nav
    assert "du 3<sup>e</sup> au 4<sup>e</sup>" in page


def test_a_list_that_fits_in_one_page_has_no_page_links(paged):
    page = read(paged, "annuaire/fablab/93/index.html")
    assert listed(page) == ["fablab-montreuil"] and "pagination" not in page


def test_the_index_counts_each_list_and_links_to_its_first_page(paged):
    page = read(paged, "lieux/index.html")
    assert '<a href="../annuaire/fablab/75/">5</a>' in page and '<a href="../annuaire/fablab/93/">1</a>' in page


def test_a_place_page_leads_to_the_list_page_that_holds_it(paged):
    page = read(paged, "lieux/fablab-3/index.html")
    crumb = re.search(r'<nav class="breadcrumb"[^>]*>(.*?)</nav>', page, re.S).group(1)
    assert '<a href="../../annuaire/fablab/75/page/2/">Fablab, 75 · Paris</a>' in crumb


def test_the_directory_pages_are_in_the_sitemap(paged):
    sitemap = read(paged, "sitemap.xml")
    assert "annuaire/fablab/75/page/3/" in sitemap and "annuaire/fablab/93/" in sitemap


def test_a_directory_page_pattern_must_hold_type_departement_and_page(tmp_path):
    settings = {**read_settings_file(ROOT / "pelicanconf.py"), "DIRECTORY_PAGE_URL": "annuaire/{type}/"}
    with pytest.raises(ConfigError) as error:
        Config.from_settings(settings)
    assert "DIRECTORY_PAGE_URL" in str(error.value) and "{dep}" in str(error.value)


def directory_pages(site):
    return [site / path for path in sorted(p.relative_to(site).as_posix() for p in (site / "annuaire").rglob("*.html"))]


def test_every_place_is_reachable_from_the_index_by_links(paged):
    reached = directory_sizes(paged)
    pages = [p for p in directory_pages(paged)]
    assert reached["directory_pages"] == len(pages) + 1  # the index, then every page of every list
    found = {place for page in pages for place in listed(page.read_text(encoding="utf-8"))}
    assert found == {"fablab-0", "fablab-1", "fablab-2", "fablab-3", "fablab-4", "fablab-montreuil",
                     "cowork-ferme", "incub-sans-point", "tiers-sans-adresse"}
    assert reached["directory_places"] == len(found)


def test_closed_unmapped_and_undated_places_are_listed_with_their_mark(paged):
    closed = read(paged, "annuaire/coworking/93/index.html")
    assert listed(closed) == ["cowork-ferme"] and '<span class="badge badge-closed">fermé</span>' in closed
    unmapped = read(paged, "annuaire/incubateur/92/index.html")
    assert listed(unmapped) == ["incub-sans-point"] and "non localisé" in unmapped
    assert listed(read(paged, "annuaire/tiers-lieu/nr/index.html")) == ["tiers-sans-adresse"]


def test_no_list_page_holds_more_places_than_the_page_size(paged):
    for page in directory_pages(paged):
        assert 1 <= len(listed(page.read_text(encoding="utf-8"))) <= PAGE_SIZE, page


def test_a_list_of_n_places_is_cut_in_ceil_n_over_the_page_size_pages(paged):
    index = read(paged, "lieux/index.html")
    for href, count in re.findall(r'<td><a href="\.\./(annuaire/[^"]+)">(\d+)</a></td>', index):
        pages = [p for p in (paged / href).rglob("index.html")]
        assert len(pages) == math.ceil(int(count) / PAGE_SIZE), href


def test_a_list_page_links_to_its_places_on_the_map(paged):
    page = read(paged, "annuaire/fablab/75/page/2/index.html")
    link = re.search(r'<a id="liste-carte"[^>]* href="([^"]+)">Voir ces lieux sur la carte</a>', page).group(1)
    assert parse_qs(urlsplit(html.unescape(link)).query) == {"type": ["fablab"], "dep": ["75"], "fermes": ["1"]}


def test_a_list_page_filter_offers_the_services_of_its_own_places_only(paged):
    page = read(paged, "annuaire/fablab/75/index.html")  # fablab-0 and fablab-1
    options = re.findall(r'<option value="([^"]*)">', re.search(r'id="liste-service".*?</select>', page, re.S).group(0))
    assert options == ["", "bureaux", "prototypage", "formation"]  # the schema's order


def test_the_index_search_data_holds_every_place(paged):
    data = json.loads(read(paged, "lieux-recherche.json"))
    ids = {place[data["fields"].index("id")] for place in data["places"]}
    assert ids == {p for page in directory_pages(paged) for p in listed(page.read_text(encoding="utf-8"))}


# In Chromium


@pytest.fixture(scope="module")
def served(paged):
    from lieux.tools.browser import serve

    with serve(paged) as url:
        yield url


def shown(page, selector):
    return page.eval_on_selector_all(selector, "els => els.filter(e => !e.closest('[hidden]')).map(e => e.textContent)")


@browser_only
def test_the_index_search_finds_a_place_listed_under_another_departement(served, open_page):  # noqa: F811 - the fixtures imported above
    page = open_page(served + "/lieux/?dep=75")
    page.fill("#finder-q", "montreuil")
    page.wait_for_function("document.getElementById('finder-count').textContent.startsWith('Aucun')")
    page.select_option("#finder-dep", "")
    page.wait_for_function("document.querySelectorAll('#annuaire-liste li').length === 1")
    assert shown(page, "#annuaire-liste li a") == ["Fablab de Montreuil"]
    assert not page.locator("#annuaire-index").is_visible()
    page.wait_for_function("location.search === '?q=montreuil'")
    link = page.get_by_role("link", name="Voir ces lieux sur la carte").get_attribute("href")
    assert parse_qs(urlsplit(link).query) == {"q": ["montreuil"]}
    assert page.errors == []


@browser_only
def test_the_index_counts_follow_the_query(served, open_page):  # noqa: F811 - the fixtures imported above
    page = open_page(served + "/lieux/?q=fablab")
    page.wait_for_function("document.querySelectorAll('#annuaire-liste li').length === 6")
    options = page.eval_on_selector_all("#finder-dep option", "els => els.map(e => [e.value, e.textContent])")
    assert [text for value, text in options if value in ("75", "92", "93")] == [
        "75 · Paris (5)", "92 · Hauts-de-Seine (0)", "93 · Seine-Saint-Denis (1)"]
    assert page.locator("#finder-closed-count").text_content() == "(0)"


@browser_only
def test_a_list_page_filter_keeps_only_its_matching_rows_and_its_state(served, open_page):  # noqa: F811 - the fixtures imported above
    page = open_page(served + "/annuaire/fablab/75/")
    assert shown(page, "#liste-lieux li > a") == ["Fablab 0", "Fablab 1"]
    page.select_option("#liste-service", "bureaux")
    assert shown(page, "#liste-lieux li > a") == ["Fablab 1"]
    assert page.locator("#liste-compte").text_content() == "1\u00a0lieu sur 2 dans cette page"
    page.select_option("#liste-service", "")
    page.fill("#liste-q", "fablab 0")
    assert shown(page, "#liste-lieux li > a") == ["Fablab 0"]
    page.wait_for_function("location.search === '?q=fablab+0'")
    link = page.get_by_role("link", name="Voir ces lieux sur la carte").get_attribute("href")
    assert parse_qs(urlsplit(link).query) == {"type": ["fablab"], "dep": ["75"], "fermes": ["1"], "q": ["fablab 0"]}
    page.fill("#liste-q", "introuvable")
    assert shown(page, "#liste-lieux li > a") == [] and page.locator("#liste-aucun").is_visible()
    page.wait_for_function("location.search === '?q=introuvable'")
    page.reload()
    assert page.input_value("#liste-q") == "introuvable" and shown(page, "#liste-lieux li > a") == []
    assert page.errors == []


@browser_only
def test_a_list_page_filter_of_a_paged_list_offers_the_whole_list_on_the_index(served, open_page):  # noqa: F811 - the fixtures imported above
    page = open_page(served + "/annuaire/fablab/75/page/2/")
    page.fill("#liste-q", "fablab 4")
    link = page.get_by_role("link", name="chercher parmi les 5 lieux de la liste").get_attribute("href")
    assert urlsplit(link).path.endswith("/lieux/")
    assert parse_qs(urlsplit(link).query) == {"type": ["fablab"], "dep": ["75"], "fermes": ["1"], "q": ["fablab 4"]}


@browser_only
def test_without_javascript_a_list_page_shows_every_row_and_no_filter(served, browser):  # noqa: F811 - the fixtures imported above
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(served + "/annuaire/fablab/75/page/2/?q=introuvable")
    assert not page.locator("#liste-filtre").is_visible()
    assert [a.text_content() for a in page.locator("#liste-lieux li > a").all()] == ["Fablab 2", "Fablab 3"]
    assert page.get_by_role("link", name="Page 3").is_visible()
    context.close()


@browser_only
def test_the_keyboard_alone_goes_from_the_search_box_to_a_place_found(served, open_page):  # noqa: F811 - the fixtures imported above
    page = open_page(served + "/lieux/")
    page.focus("#finder-q")
    page.keyboard.type("boulogne")
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelectorAll('#annuaire-liste li').length === 1")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('#annuaire-liste')"):
            break
    assert page.evaluate("document.activeElement.textContent") == "Incubateur sans point"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/lieux/incub-sans-point/$"))


@browser_only
def test_the_keyboard_alone_goes_through_the_pages_of_a_list(served, open_page):  # noqa: F811 - the fixtures imported above
    page = open_page(served + "/annuaire/fablab/75/")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('aria-label')") == "Page 2":
            break
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/annuaire/fablab/75/page/2/$"))
    assert page.get_by_role("link", name="Page 2").get_attribute("aria-current") == "page"


@browser_only
@pytest.mark.parametrize("path", ["/lieux/", "/lieux/?q=fablab", "/annuaire/fablab/75/page/2/?q=fablab"])
@pytest.mark.parametrize("width", [1280, 390])
def test_no_serious_accessibility_violation_in_the_directory(served, open_page, path, width):  # noqa: F811 - the fixtures imported above
    page = open_page(served + path, width)
    if "q=" in path and path.startswith("/lieux/"):
        page.wait_for_selector("#annuaire-liste li")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("""async () => (await axe.run(document,
            {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}))
        .violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(" "))}))""")
    serious = [v for v in found if v["impact"] in ("serious", "critical")]
    assert serious == [], json.dumps(serious, indent=1)
    assert page.errors == []
