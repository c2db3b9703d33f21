"""The pages in a real headless Chromium: site-wide search (Pagefind), accessibility (axe-core),
the place page's small map, and print."""

import json
import re
import shutil

import pytest
from conftest import FIXTURES, ROOT, build, png
from lieux.tools.browser import CHROMIUM, TILE_HOST, chromium, serve
from lieux.tools.pagefind import index_site

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it): browser tests skipped"
)
SMALL = FIXTURES / "places-small.csv"
CACHE = FIXTURES / "geocache-small.csv"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TILE = png()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The fixture site with the real 404, search and about pages, indexed by Pagefind, served on 127.0.0.1."""
    tmp = tmp_path_factory.mktemp("pages-browser")
    content = tmp / "content"
    shutil.copytree(FIXTURES / "content", content)
    for name in ("404.md", "recherche.md", "a-propos.md"):
        shutil.copy(ROOT / "content" / "pages" / name, content / "pages" / name)
    out = build(tmp / "output", SMALL, content=content, cache=CACHE)
    index_site(out, ROOT / "node_modules")
    with serve(out) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


@pytest.fixture
def open_page(browser):
    opened = []

    def open_(url, width=1280):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.errors = []
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
        page.route(f"https://{TILE_HOST}/**", lambda route: route.fulfill(status=200, content_type="image/png",
                                                                          body=TILE))
        page.goto(url)
        opened.append(page)
        return page

    yield open_
    for page in opened:
        page.close()


def results(page):
    page.wait_for_selector(".pagefind-ui__result-link")
    return [(a.text_content(), a.get_attribute("href")) for a in page.locator(".pagefind-ui__result-link").all()]


def place_results(page):
    page.wait_for_selector("#recherche-lieux-liste li a, #recherche-lieux-nombre:not(:empty)")
    links = page.locator("#recherche-lieux-liste li a").all()
    return [(a.text_content(), a.evaluate("a => a.pathname")) for a in links]


def test_the_pagefind_index_is_built_with_the_content_pages(tmp_path):
    out = build(tmp_path / "out", SMALL, cache=CACHE)
    report = index_site(out, ROOT / "node_modules")
    assert report.pages == 2 + 1 + 1  # partners, project, about: places have the finder's search data
    assert (out / "pagefind" / "pagefind-ui.js").exists() and report.bytes > 0


def test_the_search_page_finds_a_partner_by_its_name(site, open_page):
    page = open_page(site + "/recherche/?q=r%C3%A9seau")
    assert ("Réseau A", "/partenaires/reseau-a/") in results(page)
    assert page.errors == []


def test_the_header_search_box_leads_to_the_results(site, open_page):
    page = open_page(site + "/lieux/atelier-a/")
    page.fill("#site-search-q", "atelier")
    page.press("#site-search-q", "Enter")
    page.wait_for_url(re.compile(r"/recherche/\?q=atelier$"))
    assert ("Atelier A", "/lieux/atelier-a/") in place_results(page)


def test_the_search_page_finds_places_and_links_to_them_on_the_map(site, open_page):
    page = open_page(site + "/recherche/?q=fablab%20paris")
    assert place_results(page) == [("Atelier A", "/lieux/atelier-a/")]
    assert page.locator("#recherche-lieux-nombre").text_content() == "1\u00a0lieu pour «\u00a0fablab paris\u00a0»"
    assert page.locator("#recherche-lieux-carte").evaluate("a => a.pathname + a.search") == "/?q=fablab%20paris"
    assert page.errors == []


def test_one_search_box_drives_the_places_and_the_pages(site, open_page):
    page = open_page(site + "/recherche/")
    page.fill("#recherche-q", "réseau")
    page.wait_for_url(re.compile(r"/recherche/\?q=r%C3%A9seau$"))
    assert ("Réseau A", "/partenaires/reseau-a/") in results(page)
    assert page.locator("#recherche-lieux-nombre").text_content().startswith("Aucun lieu")


def test_the_search_page_speaks_french(site, open_page):
    page = open_page(site + "/recherche/?q=atelier")
    results(page)
    assert re.match(r"\d+ pages? pour «\u00a0atelier\u00a0»", page.locator(".pagefind-ui__message").text_content())
    assert page.get_attribute("#recherche-q", "placeholder").startswith("Lieu, partenaire")


def test_the_search_filters_by_section(site, open_page):
    page = open_page(site + "/recherche/")
    filters = page.evaluate("async () => (await import('/pagefind/pagefind.js')).filters()")
    assert filters["Rubrique"] == {"Partenaires": 2, "Projets": 1, "Pages": 1}


PAGES = {
    "place": "/lieux/atelier-a/",
    "partner": "/partenaires/reseau-a/",
    "project": "/projets/projet-x/",
    "not-found": "/404.html",
    "search": "/recherche/?q=atelier",
    "about": "/a-propos/",
    "partners": "/partenaires/",
    "projects": "/projets/",
    "events": "/evenements/",
    "event": "/evenements/atelier-au-fablab/",
    "journal": "/suivi/?statut=en-cours",
    "directory": "/lieux/",
    "directory-search": "/lieux/?q=atelier",
    "directory-list": "/annuaire/fablab/75/",
}


@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violation(site, open_page, name):
    page = open_page(site + PAGES[name])
    if name == "search":
        results(page)
    if name == "place":
        page.wait_for_selector("#place-map .place-marker")
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("""async () => (await axe.run(document,
            {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa"]}}))
        .violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(" "))}))""")
    serious = [v for v in found if v["impact"] in ("serious", "critical")]
    assert serious == [], json.dumps(serious, indent=1)


def test_the_place_map_is_a_named_region_with_french_keyboard_controls(site, open_page):
    page = open_page(site + "/lieux/atelier-a/")
    page.wait_for_selector("#place-map .place-marker")
    region = page.get_by_role("region", name="Carte de situation\u00a0: Atelier A")
    assert region.count() == 1
    assert page.get_by_role("button", name="Zoom avant").count() == 1
    assert page.get_by_role("button", name="Zoom arrière").count() == 1
    assert page.locator("#place-map .place-marker").get_attribute("tabindex") is None
    page.locator("#place-map").focus()
    assert page.evaluate("document.activeElement.id") == "place-map"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.title") == "Zoom avant"
    assert page.errors == []


def test_the_skip_link_shows_on_focus(site, open_page):
    page = open_page(site + "/lieux/atelier-a/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Aller au contenu"
    box = page.locator(".skip").bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0


def test_a_place_page_prints_without_navigation_or_map_and_with_link_addresses(site, open_page):
    page = open_page(site + "/lieux/atelier-a/")
    page.emulate_media(media="print")
    for selector in (".site-header nav", ".site-search", ".place-map-box", ".actions", ".site-footer"):
        assert not page.locator(selector).is_visible(), selector
    after = page.evaluate("""() => getComputedStyle(
        document.querySelector('.facts a[href^="http"]'), '::after').content""")
    assert "https://a.example.org/" in after


def test_the_directory_prints_its_table_without_its_filters(site, open_page):
    page = open_page(site + "/lieux/")
    page.emulate_media(media="print")
    assert page.locator("form").count() >= 1
    assert all(not form.is_visible() for form in page.locator("form").all())
    assert not page.locator(".site-header nav").is_visible()
    assert page.locator(".directory-table").is_visible()


def test_a_directory_list_prints_its_places(site, open_page):
    page = open_page(site + "/annuaire/fablab/75/")
    page.emulate_media(media="print")
    assert page.locator(".place-list li").first.is_visible()
