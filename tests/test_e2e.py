"""End to end: a real headless Chromium over the built site, served on 127.0.0.1."""

import functools
import http.server
import os
import re
import shutil
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import ROOT, build, header, png, row

# Debian's chromium (/usr/bin/chromium is a wrapper script), or the browser named by $CHROMIUM.
CHROMIUM = next((p for p in (os.environ.get("CHROMIUM", ""), "/usr/lib/chromium/chromium",
                             shutil.which("chromium") or "") if p and Path(p).exists()), None)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it): browser tests skipped"
)
TILE_HOST = "tile.openstreetmap.org"
TILE = png()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(directory):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=directory))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def real_site(tmp_path_factory):
    """The real site, built from data/places.csv, served on a random local port."""
    out = build(tmp_path_factory.mktemp("e2e") / "output", ROOT / "data" / "places.csv",
                content=ROOT / "content", cache=ROOT / "data" / "geocache.csv")
    server = serve(out)
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class Visit:
    """A page with its console errors and every request it made recorded (``options``: Playwright's
    browser context options, e.g. a geolocation and its permission, or JavaScript disabled)."""

    def __init__(self, browser, width=1280, **options):
        height = 900 if width > 600 else 844
        self.context = browser.new_context(viewport={"width": width, "height": height}, **options)
        self.page = self.context.new_page()
        self.errors, self.requests, self.dialogs = [], [], []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.route(f"https://{TILE_HOST}/**",
                        lambda route: route.fulfill(status=200, content_type="image/png", body=TILE))

    def foreign_requests(self):
        return [u for u in self.requests if urlsplit(u).hostname not in ("127.0.0.1", TILE_HOST)]


@pytest.fixture
def visit(browser):
    visits = []

    def open_page(url, width=1280, **options):
        v = Visit(browser, width, **options)
        visits.append(v)
        v.page.goto(url)
        return v

    yield open_page
    for v in visits:
        v.context.close()


def map_at_rest(page):
    """Wait until no zoom animation runs: during one, Leaflet keeps the old and the new markers."""
    page.wait_for_function("""() => new Promise(done => {
        const busy = () => document.querySelector('.leaflet-zoom-anim');
        let calm = 0;
        const check = () => { calm = busy() ? 0 : calm + 1; calm >= 3 ? done(true) : setTimeout(check, 100); };
        check();
    })""")


def shown_places(page):
    """Places shown on the map, once at rest: markers plus the counts of the clusters."""
    map_at_rest(page)
    counts = page.eval_on_selector_all(".folium-map .marker-cluster span", "els => els.map(e => +e.textContent)")
    return sum(counts) + page.locator(".folium-map .leaflet-marker-pane .place-marker").count()


def test_the_map_shows_every_mapped_place_in_clusters(real_site, visit):
    v = visit(real_site + "/")
    v.page.wait_for_selector(".folium-map[data-loaded]")
    mapped = int(v.page.get_attribute(".folium-map", "data-places"))
    assert int(v.page.get_attribute(".folium-map", "data-loaded")) == mapped
    assert mapped >= 330
    assert shown_places(v.page) == mapped
    assert v.errors == []
    assert v.foreign_requests() == []


def test_a_popup_link_leads_to_the_place_page(real_site, visit):
    v = visit(real_site + "/")
    v.page.wait_for_selector(".folium-map[data-loaded]")
    v.page.locator(".leaflet-marker-pane .place-marker").first.click()
    title = v.page.locator(".place-popup-title")
    title.wait_for()
    name = title.text_content()
    title.click()
    v.page.wait_for_url(re.compile(r"/lieux/[a-z0-9-]+/$"))
    assert v.page.locator("h1").text_content() == name
    v.page.wait_for_selector("#place-map .place-marker")
    assert v.errors == []
    assert v.foreign_requests() == []


def test_ticking_a_type_shows_only_that_type_on_the_map(real_site, visit):
    v = visit(real_site + "/")
    v.page.wait_for_selector(".folium-map[data-loaded]")
    total = shown_places(v.page)
    box = v.page.get_by_role("checkbox", name=re.compile("^Coworkings"))
    coworkings = int(re.search(r"\((\d+)\)", box.locator("xpath=..").text_content()).group(1))
    box.check()
    v.page.wait_for_selector(f".folium-map[data-shown='{coworkings}'][data-loaded]")
    assert shown_places(v.page) == coworkings
    box.uncheck()
    v.page.wait_for_selector(f".folium-map[data-shown='{total}'][data-loaded]")
    assert shown_places(v.page) == total
    assert v.errors == []


def test_the_directory_filters_live(real_site, visit):
    v = visit(real_site + "/lieux/")
    v.page.fill("#finder-q", "cargo")
    v.page.wait_for_function("document.getElementById('finder-count').textContent === '1\u00a0lieu'")
    assert v.page.locator(".place-list li:visible").count() == 1
    v.page.fill("#finder-q", "")
    v.page.select_option("select[name=dep]", "77")
    in_77 = v.page.locator(".place-list li:visible").count()
    assert 0 < in_77 < 50
    v.page.select_option("select[name=service]", "prototypage")
    assert 0 < v.page.locator(".place-list li:visible").count() < in_77
    assert v.errors == []


def test_pages_fit_a_phone_screen(real_site, visit):
    for path in ("/", "/lieux/", "/lieux/le-cargo/", "/projets/le-mixeur/"):
        v = visit(real_site + path, width=390)
        assert v.page.evaluate("document.documentElement.scrollWidth") <= 390, path


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory, schema):
    tmp = tmp_path_factory.mktemp("hostile-e2e")
    places = tmp / "places.csv"
    places.write_text(header(schema) + "\n" + row(
        schema, id="hostile", nom="<img src=x onerror=alert(1)><script>alert(2)</script>",
        commune="<b>Paris</b>", description="{{ 7 * 7 }}", latitude="48.85", longitude="2.35") + "\n",
        encoding="utf-8")
    out = build(tmp / "output", places)
    server = serve(out)
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_hostile_text_is_shown_as_text_in_the_popup_and_the_page(hostile_site, visit):
    v = visit(hostile_site + "/")
    v.page.locator(".leaflet-marker-pane .place-marker").first.click()
    title = v.page.locator(".place-popup-title")
    assert title.text_content() == "<img src=x onerror=alert(1)><script>alert(2)</script>"
    assert v.page.locator(".place-popup img").count() == 0
    assert v.page.locator(".place-popup-description").text_content() == "{{ 7 * 7 }}"
    title.click()
    v.page.wait_for_url(re.compile("/lieux/hostile/$"))
    assert v.page.locator("h1").text_content() == "<img src=x onerror=alert(1)><script>alert(2)</script>"
    assert v.dialogs == []
