"""Whatever contributors, settings and crashes throw at the tools: no value changed, no script run,
no traceback — each class of defect found by the hardening review, one behaviour per test."""

import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import FIXTURES, ROOT, build, header, mapped_ids, row
from lieux.core.csvfile import csv_text, read_table
from lieux.stages.load import load_places
from lieux.tools.diffplaces import diff_places, to_markdown


def invoke(*args, cwd=ROOT, env=None):
    return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **(env or {})})


def csv_of(schema, *rows):
    return "\n".join([header(schema), *rows]) + "\n"


def found(schema, tmp_path, content):
    path = tmp_path / "places.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return [(p.line, p.column, p.message) for p in load_places(path, schema).problems]


# --- data is never changed silently ------------------------------------------------------


def utf8_with_one_windows_byte(schema):
    rows = [row(schema, id=f"lieu-{i}", nom=f"Anticafé {i}") for i in range(5)]
    text = csv_of(schema, *rows[:3], row(schema, id="mot", nom="L'art du café"), *rows[3:])
    return text.encode("utf-8").replace(b"L'art", b"L\x92art")  # a Word apostrophe, in Windows-1252


def test_fix_csv_refuses_a_utf8_file_holding_a_stray_windows_byte_and_names_its_line(schema, tmp_path):
    path = tmp_path / "places.csv"
    raw = utf8_with_one_windows_byte(schema)
    path.write_bytes(raw)
    done = invoke("fix-csv", str(path))
    assert done.returncode == 1 and "la ou les lignes 5" in done.stderr
    assert path.read_bytes() == raw  # nothing written, no accent turned into mojibake


def test_validate_names_the_line_of_a_stray_windows_byte(schema, tmp_path):
    problems = found(schema, tmp_path, utf8_with_one_windows_byte(schema))
    assert [(line, column) for line, column, _ in problems] == [(5, "fichier")]


def test_a_quoted_lone_cr_is_refused_on_its_line_and_later_lines_stay_right(schema, tmp_path):
    text = csv_of(schema, row(schema, id="a", description="un\rdeux"), row(schema, id="b", type="bar"))
    problems = found(schema, tmp_path, text)
    assert [(line, column) for line, column, _ in problems] == [(2, "description"), (3, "type")]
    assert "U+000D" in problems[0][2]


def test_an_unquoted_lone_cr_is_reported_not_read_as_two_rows(schema, tmp_path):
    text = header(schema) + "\n" + row(schema, id="a").replace("Lieu test", "Lieu\rtest") + "\n"
    assert found(schema, tmp_path, text)[0][:2] == (2, "fichier")


def test_the_canonical_writer_quotes_every_value_holding_a_cr_or_a_lf():
    values = ["a\rb", "c\nd", "e\r\nf", 'g"h', "i,j", "plain"]
    table = read_table(csv_text(["x"], [[v] for v in values]))
    assert [cells[0] for _, cells in table.rows] == values


def test_every_accepted_value_survives_the_export_byte_for_byte_and_re_validates(schema, tmp_path):
    site = build(tmp_path / "out", FIXTURES / "places-small.csv", cache=FIXTURES / "geocache-small.csv")
    export = load_places(site / "lieux.csv", schema)
    original = load_places(FIXTURES / "places-small.csv", schema)
    assert export.problems == []
    def values(result):
        return sorted(sorted(r.raw.items()) for r in result.records)

    assert values(export) == values(original)


@pytest.mark.parametrize("value", [" Lieu", "Lieu ", "Lieu\u00a0", "\u2003Lieu"])
def test_spaces_at_either_end_of_a_value_are_refused(schema, tmp_path, value):
    assert found(schema, tmp_path, csv_of(schema, row(schema, nom=value)))[0][:2] == (2, "nom")


@pytest.mark.parametrize("number", ["4_8.8", "４８.８５", "٤٨.٨٥", "+48.85", "4.885e1", "nan", "inf", "48.", ".5"])
def test_numbers_a_browser_could_not_read_are_refused(schema, tmp_path, number):
    problems = found(schema, tmp_path, csv_of(schema, row(schema, latitude=number, longitude="2.35")))
    assert problems[0][:2] == (2, "latitude") and "n'est pas un nombre" in problems[0][2]


@pytest.mark.parametrize("value", ['=HYPERLINK("http://evil","x")', "+33 1 23", "-moins", "@SUM(A1)",
                                   "\t=1+1", "\r=1+1"])
def test_cells_a_spreadsheet_would_run_as_a_formula_are_refused(schema, tmp_path, value):
    problems = found(schema, tmp_path, csv_of(schema, row(schema, description=value)))
    assert problems and all(line == 2 and column == "description" for line, column, _ in problems)
    assert any("formule" in message for _, _, message in problems)


@pytest.mark.parametrize("char", ["\x1b", "\x7f", "\x85", "\u202e", "\u2066", "\u200f", "\x01"])
def test_control_and_bidi_characters_are_refused_with_their_line(schema, tmp_path, char):
    problems = found(schema, tmp_path, csv_of(schema, row(schema), row(schema, id="b", nom=f"Lieu{char}x")))
    assert problems[0][:2] == (3, "nom") and f"U+{ord(char):04X}" in problems[0][2]


def test_a_nul_character_is_refused_on_its_line(schema, tmp_path):
    text = csv_of(schema, row(schema), row(schema, id="b", nom="Lieu\x00x"))
    assert (3, "fichier", "caractère NUL (U+0000) : retirez-le") in found(schema, tmp_path, text)


def test_a_message_quotes_a_cut_value_never_the_whole_of_it(schema, tmp_path):
    problems = found(schema, tmp_path, csv_of(schema, row(schema, id="Mauvais " + "x" * 120_000)))
    assert problems and all(len(message) < 600 for _, _, message in problems)


def test_list_columns_have_a_length_limit(schema, tmp_path):
    problems = found(schema, tmp_path, csv_of(schema, row(schema, thematiques="|".join(["thème"] * 80))))
    assert problems == [(2, "thematiques", "479 caractères, 300 au plus")]


# --- nothing that looks like an option is ignored --------------------------------------------------


def test_build_honours_places_and_cache_given_together(schema, tmp_path):
    places = tmp_path / "mine.csv"
    places.write_text(csv_of(schema, row(schema, id="mon-lieu", adresse="3 rue de l'Incubateur", code_postal="92100",
                                         commune="Boulogne-Billancourt")), encoding="utf-8")
    out = tmp_path / "out"
    cache = FIXTURES / "geocache-small.csv"
    done = invoke("build", "--places", str(places), "--cache", str(cache), "--output", str(out))
    assert done.returncode == 0, done.stderr
    assert (out / "lieux" / "mon-lieu" / "index.html").exists()
    assert not (out / "lieux" / "le-cargo").exists()
    assert "mon-lieu" in mapped_ids(out)  # located through the given cache


def test_build_warnings_name_the_file_in_use(schema, tmp_path):
    places = tmp_path / "autre.csv"
    places.write_text(csv_of(schema, row(schema, id="a", nom="Même nom"), row(schema, id="b", nom="Même nom")),
                      encoding="utf-8")
    done = invoke("build", "--places", str(places), "--output", str(tmp_path / "out"))
    logs = done.stdout + done.stderr
    assert done.returncode == 0 and "autre.csv" in logs and "data/places.csv" not in logs


def test_build_prints_each_warning_once_as_validate_prints_it(schema, tmp_path):
    places = tmp_path / "places.csv"
    places.write_text(csv_of(schema, row(schema, latitude="48.85", longitude="2.38"),
                             row(schema, id="b", nom="Autre", code_postal="93106", commune="Montreuil",
                                 latitude="48.86", longitude="2.44")), encoding="utf-8")
    warning = next(line for line in invoke("validate", "--places", str(places)).stderr.splitlines()
                   if "code_postal" in line)
    done = invoke("build", "--places", str(places), "--output", str(tmp_path / "out"))
    logs = done.stdout + done.stderr  # Pelican's log goes to standard output
    assert done.returncode == 0 and warning in done.stderr.splitlines() and logs.count("93106") == 1


@pytest.mark.parametrize("args", [("validate", "--format", "xml"), ("geocode", "--mode", "bogus")])
def test_a_bad_option_is_one_french_line_and_exit_2(args):
    done = invoke(*args)
    assert done.returncode == 2 and "Traceback" not in done.stderr and "est attendu" in done.stderr


# --- bad settings, caches and paths ---------------------------------------------------------------


def settings_file(tmp_path, text):
    path = tmp_path / "monconf.py"
    path.write_text(f"from pelicanconf import *  # noqa\n{text}\n", encoding="utf-8")
    return path


def test_a_missing_settings_file_is_one_line_and_exit_2(tmp_path):
    done = invoke("validate", "--settings", str(tmp_path / "absent.py"))
    assert done.returncode == 2 and "fichier de réglages introuvable" in done.stderr and "Traceback" not in done.stderr


def test_a_settings_file_with_an_error_names_its_line(tmp_path):
    done = invoke("validate", "--settings", str(settings_file(tmp_path, "REGION = {")))
    assert done.returncode == 2 and "monconf.py:2:" in done.stderr and "Traceback" not in done.stderr


def test_departements_as_a_setting_are_refused_with_the_line(tmp_path):
    conf = settings_file(tmp_path, 'REGION = {"code": "11", "departements": ["75"]}')
    done = invoke("validate", "--settings", str(conf))
    assert done.returncode == 2 and "monconf.py:2: REGION:" in done.stderr


def test_an_unknown_region_code_is_one_message(tmp_path):
    done = invoke("validate", "--settings", str(settings_file(tmp_path, 'REGION = "99"')))
    assert done.returncode == 1 and "Code de région inconnu" in done.stderr and "Traceback" not in done.stderr


def test_a_missing_schema_is_one_located_message(tmp_path):
    done = invoke("validate", "--settings", str(settings_file(tmp_path, 'PLACES_SCHEMA = "absent.json"')))
    assert done.returncode == 2 and "PLACES_SCHEMA" in done.stderr and "n'existe pas" in done.stderr


def test_a_cache_that_is_a_folder_is_reported(tmp_path):
    done = invoke("validate", "--cache", str(tmp_path))
    assert done.returncode == 1 and "c'est un dossier" in done.stderr


def test_a_cache_that_is_not_utf8_is_reported_with_its_line(tmp_path):
    cache = tmp_path / "cache.csv"
    cache.write_bytes(b"query,status,latitude,longitude,provider,score,label,postcode,citycode,date\n"
                      b"1 rue \xe9 75011 paris,not-found,,,ban,,,,,2026-01-01\n")
    done = invoke("validate", "--cache", str(cache))
    assert done.returncode == 1 and f"{cache}:2: fichier:" in done.stderr


def test_an_output_folder_that_cannot_be_created_is_one_message(tmp_path):
    blocker = tmp_path / "un-fichier"
    blocker.write_text("x")
    done = invoke("build", "--output", str(blocker / "sortie"))
    assert done.returncode == 1 and "Traceback" not in done.stderr and "sortie" in done.stderr


# --- contributors' markdown runs no script ---------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_content(tmp_path_factory):
    content = tmp_path_factory.mktemp("hostile-md")
    for folder in ("partenaires", "projets", "lieux", "pages"):
        (content / folder).mkdir()
    (content / "projets" / "projet-h.md").write_text(
        "Title: Projet H\nStatut: idée\n\nTexte <script>alert(1)</script> <img src=x onerror=alert(2)>\n"
        "[lien](javascript:alert(3)) <iframe src='https://evil.example.org'></iframe> **gras**\n", encoding="utf-8")
    (content / "pages" / "a-propos.md").write_text(
        "Title: À propos\n\nBonjour <script>alert(4)</script><a href='javascript:alert(5)'>x</a>\n", encoding="utf-8")
    return content


def test_scripts_in_a_markdown_body_never_reach_a_page(hostile_content, tmp_path):
    site = build(tmp_path / "out", FIXTURES / "places-small.csv", content=hostile_content)
    for page in ("projets/projet-h/index.html", "a-propos/index.html"):
        html = (site / page).read_text(encoding="utf-8")
        body = html[html.index("<main"): html.index("</main>")]
        assert "<script" not in body and "onerror" not in body and "javascript:" not in body and "<iframe" not in body
    assert "<strong>gras</strong>" in (site / "projets/projet-h/index.html").read_text(encoding="utf-8")


def test_a_javascript_url_in_metadata_stops_validate_with_its_file_and_line(tmp_path):
    content = tmp_path / "content"
    (content / "partenaires").mkdir(parents=True)
    (content / "partenaires" / "p.md").write_text("Title: P\nNature: public\nSite: javascript:alert(1)\n\n",
                                                   encoding="utf-8")
    conf = settings_file(tmp_path, f"PATH = {str(content)!r}")
    done = invoke("validate", "--settings", str(conf))
    assert done.returncode == 1 and "partenaires/p.md:3: Site:" in done.stderr


def test_diff_places_escapes_ids_and_values_for_the_summary(schema):
    old = csv_of(schema, row(schema, id="a"))
    new = csv_of(schema, row(schema, id="a", nom="### Titre <!-- x"), row(schema, id="b", nom="`code` <b>"))
    text = to_markdown(diff_places(old.encode(), new.encode()), "main`<!--")
    assert "<!--" not in text and "<b>" not in text
    assert [line for line in text.splitlines() if line.startswith("#")] == [
        "### Lieux modifiés par rapport à <code>main\\`&lt;!--</code>", "#### Ajoutés", "#### Modifiés"]
    assert "<code>main\\`&lt;!--</code>" in text


# --- builds are all-or-nothing -------------------------------------------------------------------


def test_a_failed_build_leaves_the_previous_site_whole(schema, tmp_path):
    out = tmp_path / "out"
    assert invoke("build", "--places", str(FIXTURES / "places-small.csv"), "--output", str(out)).returncode == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    bad = tmp_path / "bad.csv"
    bad.write_text(csv_of(schema, row(schema, id="Bad Id")), encoding="utf-8")
    assert invoke("build", "--places", str(bad), "--output", str(out)).returncode == 1
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_a_killed_build_leaves_the_previous_site_whole_and_the_next_one_cleans_up(tmp_path):
    out = tmp_path / "out"
    args = ["build", "--places", str(ROOT / "data" / "places.csv"), "--output", str(out)]
    assert invoke(*args).returncode == 0
    before = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    process = subprocess.Popen([sys.executable, "-m", "invoke", *args], cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".out.building-*")) and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.3)  # well into Pelican's writing
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file()) == before
    assert invoke(*args).returncode == 0
    assert not list(tmp_path.glob(".out.building-*"))
