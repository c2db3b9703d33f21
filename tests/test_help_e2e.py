"""« Trouver de l'aide pour mon projet » (/aide/) in a real headless Chromium, over the real site.

The page ranks in the browser (theme/static/js/aide.js) with the build's rule
(plugins/lieux/stages/match.py): these tests hold the two to the same answers.
"""

from __future__ import annotations

import json
import math
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import ROOT, build, png
from lieux.core.vocabulary import Matcher
from lieux.tools.browser import CHROMIUM, TILE_HOST, chromium, serve

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it): browser tests skipped"
)
TILE = png()
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
HERE = {"latitude": 48.8635, "longitude": 2.4433}  # Montreuil, mocked as the browser's position


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def real_site(tmp_path_factory):
    """The real site, built from data/places.csv into a fresh folder, served on 127.0.0.1."""
    out = build(tmp_path_factory.mktemp("help-e2e") / "output", ROOT / "data" / "places.csv",
                content=ROOT / "content", cache=ROOT / "data" / "geocache.csv")
    with serve(out) as url:
        yield url, out


@pytest.fixture(scope="module")
def help_data(real_site):
    return json.loads((real_site[1] / "aide" / "aide.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def built(config):
    """The build's own result: the projects with the helpers the build's matcher chose."""
    from lieux.pipeline import run

    return run(config)


class Visit:
    """A page with its console errors and every request (address and body) recorded; tiles are a grey PNG."""

    def __init__(self, context):
        self.context = context
        self.page = context.new_page()
        self.errors, self.requests = [], []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append((r.url, r.post_data or "")))
        self.page.route(f"https://{TILE_HOST}/**",
                        lambda route: route.fulfill(status=200, content_type="image/png", body=TILE))

    def open(self, url):
        self.page.goto(url)
        self.page.wait_for_selector("#aide-formulaire[data-ready]")
        return self

    def foreign_requests(self):
        return [u for u, _ in self.requests if urlsplit(u).hostname not in ("127.0.0.1", TILE_HOST)]

    def changed(self, action):
        """Do ``action`` and wait for the results to be redrawn."""
        version = self.page.get_attribute("#aide-resultats", "data-version")
        action()
        self.page.wait_for_function(
            "v => document.getElementById('aide-resultats').getAttribute('data-version') !== v", arg=version)

    def open_popup(self, marker):
        """Click ``marker`` and wait for its popup to have faded in."""
        marker.click()
        self.page.wait_for_function(
            "() => { const p = document.querySelector('.leaflet-popup');"
            " return p && getComputedStyle(p).opacity === '1'; }")
        return self.page.locator(".help-popup")

    def names(self):
        return self.page.locator(".help-item-name").all_text_contents()

    def reasons(self):
        return [r.replace("\u00a0", " ") for r in self.page.locator(".help-item-reason").all_text_contents()]


@pytest.fixture
def visit(browser):
    contexts = []

    def open_page(url, width=1280, height=900, **options):
        context = browser.new_context(viewport={"width": width, "height": height}, **options)
        contexts.append(context)
        return Visit(context).open(url)

    yield open_page
    for context in contexts:
        context.close()


def aide(real_site, query=""):
    return real_site[0] + "/aide/" + query


def tick(v, code):
    v.changed(lambda: v.page.check(f"input[name=besoin][value={code}]"))


def labels_of(reason):
    """« propose : a, b · à 3,2 km » → {"a", "b"}."""
    return set(reason.replace("\u00a0", " ").removeprefix("propose : ").split(" · ")[0].split(", "))


def km(reason):
    """The distance a reason gives, in km, or None."""
    found = re.search(r"· à ([\d,]+) (k?m)$", reason)
    if not found:
        return None
    value = float(found.group(1).replace(",", "."))
    return value if found.group(2) == "km" else value / 1000


def test_ticking_needs_ranks_helpers_as_the_build_does(real_site, built, visit):
    # Projects without a place in the region: the build ranks them by needs covered, then name, as the page
    # does with no position.
    compared = 0
    for project in built.site.projects:
        if not project.needs or project.places:
            continue
        v = visit(aide(real_site))
        for code in project.needs:
            tick(v, code)
        expected = [(getattr(h.target, "nom", None) or h.target.title, h.reason) for h in project.helpers]
        names, reasons = v.names(), v.reasons()
        assert names[:len(expected)] == [name for name, _ in expected], project.slug
        for (name, reason), shown in zip(expected, reasons, strict=False):
            assert labels_of(shown) == labels_of(reason), name
        compared += 1
    assert compared >= 2


def test_the_first_helper_covers_every_need_it_can(real_site, help_data, visit):
    codes = [c["code"] for c in help_data["codes"]]
    f = {name: i for i, name in enumerate(help_data["fields"])}
    both = {"evenements", "mise-en-relation"}
    covering = {h[f["name"]] for h in help_data["helpers"] if {codes[c] for c in h[f["codes"]]} >= both}
    assert covering
    v = visit(aide(real_site))
    for code in sorted(both):
        tick(v, code)
    first = v.names()[0]
    assert first in covering
    assert labels_of(v.reasons()[0]) == {"événements", "mise en relation"}


def test_free_words_are_mapped_and_shown(real_site, visit):
    v = visit(aide(real_site))
    v.changed(lambda: v.page.fill("#aide-mots", "imprimante 3D, business angels"))
    understood = [t.replace("\u00a0", " ") for t in v.page.locator("#aide-compris li").all_inner_texts()]
    assert understood == ["imprimante 3D → Prototypage et fabrication", "business angels → Financement"]
    assert v.names()
    assert all(labels_of(r) <= {"prototypage et fabrication", "financement"} for r in v.reasons())
    assert parse_qs(urlsplit(v.page.url).query)["mots"] == ["imprimante 3D, business angels"]


def test_words_are_understood_as_the_build_matcher_does(real_site, schema, visit):
    matcher = Matcher(schema["services"].vocabulary)
    labels = {c.value: c.label for c in schema["services"].categories}
    words = sorted({s for c in schema["services"].categories for s in c.synonyms}) + [
        "Imprimantes 3D", "LEVÉES DE FONDS", "FabLabs", "un incubateur pour startups", "découpe-laser !",
        "mise-en-relation", "Événements", "stagiaires", "zzz", "Business Angels"]
    v = visit(aide(real_site))
    v.changed(lambda: v.page.fill("#aide-mots", ", ".join(words)))
    shown = [t.replace("\u00a0", " ") for t in v.page.locator("#aide-compris li").all_inner_texts()]
    expected = [f"{w} → {labels[matcher.match(w).code] if matcher.match(w).code else 'mot non reconnu'}"
                for w in words]
    assert shown == expected


def test_an_unknown_word_is_said_so_with_the_known_needs(real_site, visit):
    v = visit(aide(real_site, "?mots=zzz"))
    assert v.page.locator("#aide-compris li").inner_text().replace("\u00a0", " ") == "zzz → mot non reconnu"
    assert "prototypage et fabrication" in v.page.locator(".help-known").text_content()
    assert v.page.locator("#aide-resultats").is_hidden()


def test_near_me_orders_equal_scores_by_distance_and_sends_no_coordinates(real_site, help_data, visit):
    v = visit(aide(real_site), geolocation=HERE, permissions=["geolocation"])
    tick(v, "prototypage")  # one need: every helper has the same score
    v.changed(lambda: v.page.click("#aide-pres-de-moi"))
    assert v.page.get_attribute("#aide-pres-de-moi", "aria-pressed") == "true"
    distances = [km(r) for r in v.reasons()]
    known = [d for d in distances if d is not None]
    assert len(known) >= 10
    assert distances[:len(known)] == known  # unknown distances last
    assert known == sorted(known)
    f = {name: i for i, name in enumerate(help_data["fields"])}
    code = [c["code"] for c in help_data["codes"]].index("prototypage")

    def haversine(h):
        lat1, lon1, lat2, lon2 = map(math.radians, (h[f["lat"]], h[f["lon"]], HERE["latitude"], HERE["longitude"]))
        a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
        return 2 * 6371.0 * math.asin(math.sqrt(a))

    nearest = min((h for h in help_data["helpers"] if code in h[f["codes"]] and h[f["lat"]] is not None),
                  key=lambda h: (haversine(h), h[f["name"]]))
    assert v.names()[0] == nearest[f["name"]]
    v.changed(lambda: v.page.check("input[name=besoin][value=mentorat]"))  # the position survives a change
    secrets = [f"{HERE['latitude']}", f"{HERE['longitude']}", "48,8635", "2,4433", "48.863", "2.443"]
    for url, body in v.requests + [(v.page.url, "")]:
        assert not any(s in url or s in body for s in secrets), url
    assert "pres" not in parse_qs(urlsplit(v.page.url).query)


def test_the_url_round_trip_restores_the_state_and_back_goes_back(real_site, visit):
    v = visit(aide(real_site, "?besoin=prototypage&besoin=mentorat&pres=Montreuil"))
    assert v.page.is_checked("input[value=prototypage]") and v.page.is_checked("input[value=mentorat]")
    assert not v.page.is_checked("input[value=financement]")
    assert v.page.input_value("#aide-pres") == "Montreuil"
    before = v.names()
    assert any(km(r) is not None for r in v.reasons())
    tick(v, "financement")
    assert parse_qs(urlsplit(v.page.url).query)["besoin"] == ["prototypage", "mentorat", "financement"]
    assert v.names() != before
    v.changed(lambda: v.page.go_back())
    assert urlsplit(v.page.url).query == "besoin=prototypage&besoin=mentorat&pres=Montreuil"
    assert not v.page.is_checked("input[value=financement]")
    assert v.names() == before
    v.changed(lambda: v.page.go_forward())
    assert v.page.is_checked("input[value=financement]")


def test_typing_replaces_the_history_entry_instead_of_adding_one(real_site, visit):
    v = visit(aide(real_site, "?besoin=formation"))
    length = v.page.evaluate("history.length")
    v.changed(lambda: v.page.fill("#aide-pres", "Pantin"))
    assert parse_qs(urlsplit(v.page.url).query)["pres"] == ["Pantin"]
    assert v.page.evaluate("history.length") == length


def test_an_unknown_postcode_is_said_politely(real_site, visit):
    v = visit(aide(real_site, "?besoin=formation&pres=93100"))
    message = v.page.locator("#aide-pres-message").text_content().replace("\u00a0", " ")
    assert message == "Le code postal 93100 n'est pas connu de cette page : indiquez plutôt le nom de la commune."
    assert all(km(r) is None for r in v.reasons())
    v = visit(aide(real_site, "?besoin=formation&pres=75011"))  # a Paris postcode is Paris
    assert "Paris" in v.page.locator("#aide-pres-message").text_content()


def test_the_list_shows_twenty_then_more_on_demand(real_site, visit):
    v = visit(aide(real_site, "?besoin=bureaux"))
    assert len(v.names()) == 20
    more = v.page.locator("#aide-plus")
    more.focus()
    v.page.keyboard.press("Enter")
    assert len(v.names()) == 40
    assert v.page.evaluate("document.activeElement.textContent") == v.names()[20]


def test_the_map_shows_the_listed_results_with_french_controls(real_site, visit):
    v = visit(aide(real_site, "?besoin=prototypage&pres=Montreuil"))
    page = v.page
    assert page.get_attribute(".leaflet-control-zoom-in", "title") == "Zoom avant"
    assert page.get_attribute(".leaflet-control-zoom-out", "title") == "Zoom arrière"
    assert page.locator(".leaflet-control-scale-line").count() == 1  # metric only
    markers = page.locator(".help-marker")
    located = 20 - sum(km(r) is None for r in v.reasons())
    assert markers.count() == located
    box = markers.first.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24
    popup = v.open_popup(markers.first)
    assert popup.locator(".help-popup-title").text_content() == "1. " + v.names()[0]
    assert popup.locator("p").text_content() == page.locator(".help-item-reason").first.text_content()
    assert popup.locator("a").last.get_attribute("href").startswith(real_site[0])


def test_the_print_view_shows_the_list_and_hides_the_form(real_site, visit):
    v = visit(aide(real_site, "?besoin=prototypage&besoin=mentorat&pres=Pantin"))
    page = v.page
    page.emulate_media(media="print")
    assert page.locator(".help-print-summary").is_visible()
    needs = page.locator("#aide-fiche-besoins").text_content()
    assert needs == "Prototypage et fabrication, Mentorat et accompagnement"
    assert page.locator("#aide-fiche-pres").text_content() == "Pantin"
    assert page.locator(".help-item").first.is_visible()
    assert page.locator(".help-item-reason").first.is_visible()
    url = page.locator(".help-item-url").first
    assert url.is_visible() and url.text_content().startswith(real_site[0] + "/")
    for hidden in ("#aide-formulaire", ".site-header", ".site-footer", "#aide-carte", "#aide-imprimer", "#aide-plus"):
        assert page.locator(hidden).is_hidden(), hidden
    assert page.locator(".leaflet-tile").evaluate_all("ts => ts.filter(t => t.offsetParent).length") == 0


def test_the_print_button_prints(real_site, visit):
    v = visit(aide(real_site, "?besoin=formation"))
    v.page.evaluate("window.print = () => { window.printed = true; }")
    v.page.click("#aide-imprimer")
    assert v.page.evaluate("window.printed") is True


def test_no_console_error_and_no_foreign_request(real_site, visit):
    v = visit(aide(real_site, "?besoin=prototypage&mots=levée+de+fonds&pres=Montreuil"), width=390, height=844)
    tick(v, "mentorat")
    v.page.click("#aide-plus")
    v.page.locator(".help-marker").first.click()
    v.changed(lambda: v.page.go_back())
    assert v.errors == []
    assert v.foreign_requests() == []
    assert v.page.evaluate("document.documentElement.scrollWidth") <= 390


def test_without_javascript_the_page_lists_who_offers_what(real_site, visit, browser):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(aide(real_site))
        assert page.locator("#par-besoin").is_visible()
        assert page.locator("#par-besoin .help-need").count() >= 10
        assert page.locator("#aide-resultats").is_hidden()
        assert page.get_attribute("#aide-formulaire", "action").endswith("#par-besoin")
    finally:
        context.close()


def axe_violations(page):
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}));
    }""")
    return [v for v in found if v["impact"] in ("serious", "critical")]


def test_axe_finds_no_serious_violation_empty_and_with_results(real_site, visit):
    v = visit(aide(real_site))
    assert axe_violations(v.page) == []
    v = visit(aide(real_site, "?besoin=prototypage&besoin=mentorat&mots=business+angels,zzz&pres=Montreuil"))
    v.page.click("#aide-plus")
    v.open_popup(v.page.locator(".help-marker").first)
    assert axe_violations(v.page) == []
    v = visit(aide(real_site, "?besoin=prototypage&pres=Pantin"), width=390, height=844)
    v.open_popup(v.page.locator(".help-marker").first)
    assert axe_violations(v.page) == []
