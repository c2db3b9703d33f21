"""The invoke tasks a contributor or maintainer runs: validate and import-cget."""

import os
import subprocess
import sys

from conftest import FIXTURES, ROOT, header, row


def invoke(*args):
    return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=ROOT, capture_output=True, text=True)


def test_validate_accepts_the_project_data():
    done = invoke("validate")
    assert done.returncode == 0, done.stderr
    assert "lieux valides" in done.stdout


def test_validate_prints_every_problem_one_per_line_and_exits_1(tmp_path, schema):
    places = tmp_path / "places.csv"
    places.write_text(
        "\n".join([header(schema), row(schema, id="A"), row(schema, id="b", site_web="javascript:alert(1)")]) + "\n",
        encoding="utf-8",
    )
    done = invoke("validate", "--places", str(places))
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert lines[0].startswith(f"{places}:2: id: ")
    assert lines[1].startswith(f"{places}:3: site_web: ")
    assert "2 erreur(s)" in lines[-1]
    assert "Traceback" not in done.stderr


def test_validate_explains_a_spreadsheet_file(tmp_path, schema):
    places = tmp_path / "places.csv"
    places.write_text(header(schema).replace(",", ";") + "\n", encoding="utf-8")
    done = invoke("validate", "--places", str(places))
    assert done.returncode == 1
    assert done.stderr.count("points-virgules") == 1


def test_import_cget_writes_the_file_and_prints_its_report(tmp_path):
    out = tmp_path / "places.csv"
    done = invoke("import-cget", str(FIXTURES / "cget-excerpt.csv"), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "7 lieux importés" in done.stdout and "coordonnées retirées" in done.stdout
    assert invoke("validate", "--places", str(out)).returncode == 0


def test_the_project_data_has_the_whole_cget_import_and_the_seed_places(schema, region):
    from lieux.stages.load import load_places

    records = load_places(ROOT / "data" / "places.csv", schema).records
    ids = {r["id"] for r in records}
    assert len(records) >= 330
    assert sum(1 for r in records if r["source"].startswith("CGET/ANCT Mission Coworking 2019")) == 344
    assert {"le-cargo", "liberte-living-lab", "le-plateau-societe-generale"} <= ids


def test_the_column_reference_of_contributing_is_up_to_date(schema, document_schema):
    from lieux.tools.schemadoc import render_into

    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert render_into(text, schema, document_schema) == text, "CONTRIBUTING.md is stale: run invoke schema-docs"


def test_the_column_reference_names_every_column_and_vocabulary(schema):
    from lieux.tools.schemadoc import columns_markdown

    table = columns_markdown(schema)
    for name in schema.names:
        assert f"| `{name}` |" in table
    for value in schema["type"].allowed + schema["services"].allowed:
        assert f"| `{value}` |" in table


def test_a_build_that_ends_its_process_at_once_still_prints_what_it_published(tmp_path):
    out = tmp_path / "out"
    buffered = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    done = subprocess.run([sys.executable, "-m", "invoke", "build", "--places", str(FIXTURES / "places-small.csv"),
                           "--output", str(out)], cwd=ROOT, capture_output=True, text=True, env=buffered)
    assert done.returncode == 0, done.stderr
    last = done.stdout.splitlines()[-1]
    assert last.startswith(f"{out} : ") and "fichier(s) nouveau(x) ou modifié(s)" in last


def test_a_validation_that_ends_its_process_at_once_still_prints_its_summary():
    buffered = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    done = subprocess.run([sys.executable, "-m", "invoke", "validate", "--places", str(FIXTURES / "places-small.csv")],
                          cwd=ROOT, capture_output=True, text=True, env=buffered)
    assert done.returncode == 0, done.stderr
    assert "lieux valides" in done.stdout.splitlines()[-1]
