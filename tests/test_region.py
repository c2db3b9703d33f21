"""The territory comes from reference data: any region by its INSEE code, départements derived,
postcodes checked against communes."""

import subprocess
import sys

import pytest
from conftest import FIXTURES, ROOT, header, row
from lieux.core.config import Config
from lieux.pipeline import run
from lieux.stages.load import load_places
from lieux.stages.region import check_places

OCCITANIE = FIXTURES / "occitanie"


@pytest.fixture(scope="module")
def occitanie(tmp_path_factory):
    out = tmp_path_factory.mktemp("occitanie") / "output"
    done = subprocess.run([sys.executable, "-m", "invoke", "build", "--settings", str(OCCITANIE / "occitanieconf.py"),
                           "--places", str(OCCITANIE / "places.csv"), "--output", str(out)],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def test_a_region_code_alone_builds_an_occitanie_site(occitanie):
    page = (occitanie / "index.html").read_text(encoding="utf-8")
    assert "Les lieux d'innovation en <span class=\"nowrap\">Occitanie</span>" in page


def test_the_occitanie_directory_is_grouped_by_its_departements(occitanie):
    site = run(Config.from_settings({"REGION": "76", "PLACES_CSV": str(OCCITANIE / "places.csv"),
                                     "PATH": str(ROOT / "content")})).site
    assert len(site.departements) == 13 and ("48", "Lozère", 0) in site.departements
    page = (occitanie / "lieux" / "index.html").read_text(encoding="utf-8")
    assert '<abbr title="Haute-Garonne">31</abbr>' in page and '<abbr title="Hérault">34</abbr>' in page
    assert "Lozère" not in page  # no place there: no column
    listed = list((occitanie / "annuaire").glob("*/31/index.html"))
    assert listed and "— 31 · Haute-Garonne</h1>" in listed[0].read_text(encoding="utf-8")


def test_a_place_with_only_an_insee_code_gets_its_departement(occitanie):
    page = (occitanie / "lieux" / "tiers-lieu-perpignan" / "index.html").read_text(encoding="utf-8")
    assert "66 · Pyrénées-Orientales" in page and "non renseigné" not in page


def test_a_postcode_that_does_not_serve_the_commune_is_found_in_the_real_data(schema, region):
    records = load_places(ROOT / "data" / "places.csv", schema).records
    mismatch = [p for p in check_places(records, region, "places.csv") if "n'est pas celui de" in p.message]
    cget_100 = next(r for r in records if r["source"].endswith("(ID 100)"))
    assert [(p.line, p.severity) for p in mismatch] == [(cget_100.line, "warning")]


def test_the_cget_rows_without_an_address_are_filed_under_their_departement():
    site = run(Config.from_settings({"PATH": str(ROOT / "content")})).site
    assert [p.id for p in site.places if not p.departement] == []


def test_a_postcode_outside_the_region_is_an_error_naming_its_departements(schema, region, tmp_path):
    path = tmp_path / "places.csv"
    path.write_text(header(schema) + "\n" + row(schema, code_postal="31000", commune="Toulouse") + "\n",
                    encoding="utf-8")
    (problem,) = check_places(load_places(path, schema).records, region, "places.csv")
    assert problem.is_error and "75, 77, 78, 91, 92, 93, 94, 95" in problem.message


def test_an_unknown_cedex_postcode_of_the_region_is_only_a_warning(schema, region, tmp_path):
    path = tmp_path / "places.csv"
    path.write_text(header(schema) + "\n" + row(schema, code_postal="93106", commune="Montreuil") + "\n",
                    encoding="utf-8")
    (problem,) = check_places(load_places(path, schema).records, region, "places.csv")
    assert problem.severity == "warning" and "CEDEX" in problem.message


def test_a_renamed_commune_still_matches_its_postcode(schema, region, tmp_path):
    path = tmp_path / "places.csv"
    path.write_text(header(schema) + "\n" + row(schema, code_postal="93400", commune="Saint-Ouen") + "\n",
                    encoding="utf-8")
    assert check_places(load_places(path, schema).records, region, "places.csv") == []
