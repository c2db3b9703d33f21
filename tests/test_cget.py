"""The CGET importer maps the open dataset reproducibly and reports what it changed and why."""

import csv

import pytest
from conftest import FIXTURES
from lieux.stages.load import load_places
from lieux.tools.cget import import_cget, write_rows

EXCERPT = FIXTURES / "cget-excerpt.csv"


@pytest.fixture
def result(schema):
    return import_cget(EXCERPT, schema)


def rows_by_source_id(result):
    return {r["source"].rsplit(" ", 1)[-1].rstrip(")"): r for r in result.rows}


def notes_for(result, cget_id):
    return [(n.action, n.reason) for n in result.notes if n.cget_id == cget_id]


def test_rows_of_other_regions_are_skipped_and_reported(result):
    assert "9001" not in rows_by_source_id(result)
    assert notes_for(result, "9001") == [("ignoré", "hors de la région 11")]


def test_ids_are_unique_stable_slugs(result):
    ids = {source_id: row["id"] for source_id, row in rows_by_source_id(result).items()}
    assert ids["2"] == "anticafe-paris-2" and ids["451"] == "anticafe-paris-451"
    assert ids["1268"] == "la-fabrique"


def test_the_import_is_reproducible(schema):
    assert import_cget(EXCERPT, schema).rows == import_cget(EXCERPT, schema).rows


def test_personal_columns_are_never_copied(result, tmp_path, schema):
    out = tmp_path / "places.csv"
    write_rows(out, result.rows, schema)
    text = out.read_text(encoding="utf-8")
    assert "Une Personne" not in text and "example.org" not in text
    assert result.personal_cells == 2


def test_types_are_mapped_from_the_typology(result):
    rows = rows_by_source_id(result)
    assert (rows["2"]["type"], rows["1250"]["type"], rows["1496"]["type"]) == ("coworking", "fablab", "tiers-lieu")


def test_a_row_with_coordinates_but_no_address_is_kept(result):
    row = rows_by_source_id(result)["1496"]
    assert (row["adresse"], row["code_postal"], row["latitude"]) == ("", "", "48.8682471")
    assert ("signalé", "sans adresse : coordonnées conservées, adresse à compléter (géocodage inverse)") in notes_for(
        result, "1496")


def test_a_url_hidden_in_text_is_extracted(result):
    assert rows_by_source_id(result)["1496"]["site_web"] == "http://theschoolab.com/"


def test_a_postcode_that_does_not_match_its_commune_is_flagged_and_kept(result):
    assert rows_by_source_id(result)["100"]["code_postal"] == "75018"
    assert any(a == "signalé" and "ne correspond pas à la commune Saint-Ouen" in r for a, r in notes_for(result, "100"))


def test_coordinates_far_from_their_address_are_removed_and_reported(result):
    row = rows_by_source_id(result)["1268"]
    assert (row["latitude"], row["longitude"], row["adresse"]) == ("", "", "Place Georges-Pompidou")
    assert any(a == "modifié" and "coordonnées retirées" in r and "75016" in r for a, r in notes_for(result, "1268"))


def test_a_low_precision_is_flagged(result):
    assert any(a == "signalé" and "précision du géocodage 0.63" in r for a, r in notes_for(result, "100"))


def test_source_and_update_date_are_filled(result):
    row = rows_by_source_id(result)["2"]
    assert (row["source"], row["date_maj"]) == ("CGET/ANCT Mission Coworking 2019 (ID 2)", "2019")


def test_the_imported_file_is_valid(result, tmp_path, schema, region):
    out = tmp_path / "places.csv"
    write_rows(out, result.rows, schema)
    assert load_places(out, schema).problems == []


def test_places_added_by_hand_survive_a_new_import(tmp_path, schema):
    out = tmp_path / "places.csv"
    write_rows(out, import_cget(EXCERPT, schema).rows, schema)
    with open(out, "a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(
            ["le-cargo", "Le Cargo", "incubateur", "157 boulevard Macdonald", "75019", "Paris"]
            + [""] * 9 + ["Ajout manuel", "2026"])
    again = import_cget(EXCERPT, schema, existing=out)
    assert again.kept == 1
    assert "le-cargo" in [r["id"] for r in again.rows]


def test_the_report_lists_each_flag_with_its_source_line(result):
    report = result.report("cget.csv", "data/places.csv")
    assert "cget.csv:7: ID 1268 « La Fabrique » : coordonnées retirées" in report
    assert "CONTACT et MAIL" in report
