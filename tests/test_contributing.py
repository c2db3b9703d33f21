"""The contributor's path: spreadsheet files explained and fixed, duplicates, diffs, CI files."""

import csv
import io
import shutil
import subprocess
import sys

import pytest
import yaml
from conftest import ROOT, header, row
from lieux.core.csvfile import read_table, sniff
from lieux.core.problems import Problem
from lieux.stages.load import load_places
from lieux.tools.checkahead import checked, file_checks
from lieux.tools.diffplaces import diff_places, to_markdown
from lieux.tools.duplicates import find_duplicates, name_key
from lieux.tools.fixcsv import fix_text


def invoke(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=cwd, capture_output=True, text=True)


@pytest.fixture(scope="module")
def accented_rows(schema):
    """Real rows of data/places.csv with accents, a quote or a comma, that Windows-1252 can encode."""
    text = (ROOT / "data" / "places.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    usable = [r for r in rows[1:] if _cp1252(r)]
    picked = [r for r in usable if any("," in cell or '"' in cell for cell in r)]
    picked += [r for r in usable if any(c in "".join(r) for c in "éèàçœŒ²'") and r not in picked][:40]
    assert any("é" in "".join(r) for r in picked) and any("," in "".join(r) for r in picked)
    return rows[0], picked


def _cp1252(cells):
    try:
        "".join(cells).encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def spreadsheet_bytes(head, rows, *, delimiter=",", encoding="utf-8", bom=False, crlf=False, quote_all=False,
                      reorder=False):
    order = list(range(len(head)))
    if reorder:
        order[1], order[2] = order[2], order[1]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n" if crlf else "\n",
                        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    writer.writerow([head[i] for i in order])
    writer.writerows([[r[i] for i in order] for r in rows])
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode(encoding)


VARIANTS = {
    "excel-fr": dict(delimiter=";", encoding="cp1252", crlf=True),
    "excel-utf8": dict(delimiter=";", bom=True, crlf=True),
    "libreoffice": dict(quote_all=True),
    "bom": dict(bom=True),
    "crlf": dict(crlf=True),
    "reordered": dict(reorder=True),
}


def values(raw):
    sniffed = sniff(raw)
    table = read_table(sniffed.text, sniffed.delimiter)
    return sorted(tuple(sorted(zip(table.header, r, strict=True))) for _, r in table.rows)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_fix_csv_keeps_every_value_and_makes_the_file_canonical(variant, accented_rows, schema, region, tmp_path):
    head, rows = accented_rows
    raw = spreadsheet_bytes(head, rows, **VARIANTS[variant])
    path = tmp_path / "places.csv"
    path.write_bytes(raw)
    done = invoke("fix-csv", str(path))
    assert done.returncode == 0, done.stderr
    assert "Aucune valeur n'a changé" in done.stdout
    fixed = path.read_bytes()
    assert values(fixed) == values(raw)
    assert fixed == spreadsheet_bytes(head, rows)
    assert load_places(path, schema).problems == []
    assert invoke("fix-csv", str(path)).stdout.strip().endswith("est déjà sous sa forme canonique")
    assert path.read_bytes() == fixed


def test_fix_csv_is_idempotent_on_the_project_data(schema):
    raw = (ROOT / "data" / "places.csv").read_bytes()
    fixed, reasons = fix_text(raw, schema.names)
    assert reasons == [] and fixed.encode() == raw


def test_fix_csv_refuses_a_file_it_cannot_fix_safely(tmp_path, schema):
    path = tmp_path / "places.csv"
    path.write_text(header(schema) + "\n" + row(schema) + ",en trop\n", encoding="utf-8")
    done = invoke("fix-csv", str(path))
    assert done.returncode == 1 and "valeurs au lieu de" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("variant, expected", [
    ("excel-fr", "Windows-1252"),
    ("excel-utf8", "points-virgules"),
    ("bom", "marque d'ordre des octets (BOM)"),
    ("crlf", "fins de ligne Windows (CRLF)"),
    ("libreoffice", "guillemets superflus"),
    ("reordered", "autre ordre"),
])
def test_validate_explains_each_spreadsheet_file_in_one_message(variant, expected, accented_rows, tmp_path):
    head, rows = accented_rows
    path = tmp_path / "places.csv"
    path.write_bytes(spreadsheet_bytes(head, rows, **VARIANTS[variant]))
    done = invoke("validate", "--places", str(path))
    messages = [line for line in done.stderr.splitlines() if line.startswith(f"{path}:") and " fichier: " in line]
    assert len(messages) == 1 and expected in messages[0] and "invoke fix-csv" in messages[0]
    assert all(" fichier: " in line or "doublon" in line or " note : " in line
               for line in done.stderr.splitlines()[:-1])


def test_names_are_compared_without_case_accents_punctuation_or_articles():
    assert name_key("Le Café-Numérique !") == name_key("cafe numerique") == "cafe numerique"
    assert name_key("L'Atelier des Fabricants") == name_key("atelier fabricants")
    assert name_key("Lesquin_Dessous LE_LA d'Orsay") == "lesquin dessous orsay"


def test_a_duplicate_name_is_a_warning_with_both_lines(schema, region, write_csv):
    path = write_csv("\n".join([header(schema), row(schema, id="a", nom="Le Café Numérique"),
                                row(schema, id="b", nom="Café-numérique")]) + "\n")
    (problem,) = find_duplicates(load_places(path, schema).records, "places.csv")
    assert (problem.line, problem.column, problem.severity) == (3, "nom", "warning")
    assert "ligne 2 (« Le Café Numérique »)" in problem.message


def test_near_places_in_neighbouring_cells_are_reported_on_the_later_line(schema, region, write_csv):
    # 0.001° cells: « Nord-est » lies in the cell north-east of « Sud-ouest », 3 m away, and comes first.
    path = write_csv("\n".join([
        header(schema),
        row(schema, id="a", nom="Nord-est", latitude="48.85101", longitude="2.35101"),
        row(schema, id="b", nom="Sud-ouest", latitude="48.85099", longitude="2.35099"),
        row(schema, id="c", nom="Même point", latitude="48.85101", longitude="2.35101"),
    ]) + "\n")
    problems = find_duplicates(load_places(path, schema).records, "places.csv")
    assert [(p.line, p.message) for p in problems] == [
        (3, "doublon possible de la ligne 2 (« Nord-est ») : à 3 m"),
        (4, "doublon possible de la ligne 2 (« Nord-est ») : à 0 m"),
        (4, "doublon possible de la ligne 3 (« Sud-ouest ») : à 3 m")]


def test_places_within_50_meters_are_a_warning(schema, region, write_csv):
    path = write_csv("\n".join([
        header(schema),
        row(schema, id="a", nom="Premier", latitude="48.85000", longitude="2.35000"),
        row(schema, id="b", nom="Second", latitude="48.85030", longitude="2.35000"),  # 33 m north
        row(schema, id="c", nom="Troisième", latitude="48.85100", longitude="2.35000"),  # 111 m north
    ]) + "\n")
    problems = find_duplicates(load_places(path, schema).records, "places.csv")
    assert [(p.line, p.message) for p in problems] == [
        (3, "doublon possible de la ligne 2 (« Premier ») : à 33 m")]


def _three_cafes(schema, middle_type="coworking", middle_latitude="48.85000"):
    return "\n".join([
        header(schema),
        row(schema, id="a", nom="Café", latitude="48.85000", longitude="2.35000"),
        row(schema, id="b", nom="Le café", type=middle_type, latitude=middle_latitude, longitude="2.35000"),
        row(schema, id="c", nom="Café !", latitude="48.85010", longitude="2.35000"),
    ]) + "\n"


def test_duplicates_found_ahead_from_the_file_are_those_of_the_loaded_rows(schema, region, write_csv):
    path = write_csv(_three_cafes(schema))
    loaded = load_places(path, schema, form=False)
    found = file_checks(str(path), schema.names)
    assert found is not None and found[1] == [2, 3, 4]
    assert checked(loaded, found, str(path), schema.names) == ([], find_duplicates(loaded.records, loaded.path))
    assert find_duplicates(loaded.records, loaded.path) != []


def test_the_form_warning_found_ahead_is_the_loaders(schema, region, write_csv):
    path = write_csv(_three_cafes(schema).replace("\n", "\r\n").encode())
    form, _ = checked(load_places(path, schema, form=False), file_checks(str(path), schema.names), str(path),
                      schema.names)
    assert form == [p for p in load_places(path, schema).problems if p.column == "fichier"] != []


def test_without_a_value_found_ahead_the_same_warnings_are_found_from_the_records(schema, region, write_csv):
    path = write_csv(_three_cafes(schema).replace("\n", "\r\n").encode())
    loaded = load_places(path, schema, form=False)
    assert checked(loaded, None, str(path), schema.names) == checked(
        loaded, file_checks(str(path), schema.names), str(path), schema.names)


def test_duplicates_found_ahead_are_not_used_when_the_loader_left_a_row_out(schema, region, write_csv):
    path = write_csv(_three_cafes(schema, middle_type="bar"))  # line 3 is refused: not a type of place
    loaded = load_places(path, schema, form=False)
    found = file_checks(str(path), schema.names)
    assert [record.line for record in loaded.records] == [2, 4] and found[1] == [2, 3, 4]
    form, duplicates = checked(loaded, found, str(path), schema.names)
    assert form == [] and [(p.line, p.message) for p in duplicates] == [
        (4, "doublon possible de la ligne 2 (« Café ») : à 11 m"),
        (4, "doublon possible de la ligne 2 (« Café ») : même nom")]


def test_duplicates_found_ahead_are_not_used_when_the_file_changed_since(schema, region, write_csv):
    path = write_csv(_three_cafes(schema))
    found = file_checks(str(path), schema.names)
    path.write_text(_three_cafes(schema).replace("Café !", "Autre lieu"), encoding="utf-8")  # same lines, new name
    loaded = load_places(path, schema, form=False)
    assert checked(loaded, found, str(path), schema.names) == ([], find_duplicates(loaded.records, loaded.path))
    assert "Café !" not in str(checked(loaded, found, str(path), schema.names))


def test_validate_reads_a_named_pipe_once_and_finds_what_it_finds_in_a_file(schema, tmp_path):
    import os
    import threading

    text = _three_cafes(schema).replace("\n", "\r\n")  # a form warning, and duplicates
    (tmp_path / "places.csv").write_text(text, encoding="utf-8", newline="")
    pipe = tmp_path / "pipe.csv"
    os.mkfifo(pipe)
    writer = threading.Thread(target=pipe.write_text, args=(text,), kwargs={"encoding": "utf-8", "newline": ""})
    writer.start()
    from_pipe = subprocess.run([sys.executable, "-m", "invoke", "validate", "--places", str(pipe)], cwd=ROOT,
                               capture_output=True, text=True, timeout=60)
    writer.join()
    from_file = invoke("validate", "--places", str(tmp_path / "places.csv"))
    assert from_pipe.returncode == from_file.returncode == 0
    assert from_pipe.stderr.replace("pipe.csv", "places.csv") == from_file.stderr
    assert "forme canonique" in from_pipe.stderr and "doublon" in from_pipe.stderr


def test_a_coordinate_not_plainly_written_leaves_the_duplicates_to_the_loader(schema, region, write_csv):
    path = write_csv(_three_cafes(schema, middle_latitude="48,85"))
    assert file_checks(str(path), schema.names) is None


def test_the_github_format_is_an_annotation_on_the_line():
    problem = Problem("data/places.csv", 12, "site_web", "« javascript:x » invalide, 100%\nfin")
    assert problem.format("github") == (
        "::error file=data/places.csv,line=12,title=site_web::« javascript:x » invalide, 100%25%0Afin")
    assert Problem("a.csv", 3, "nom", "x", "warning").format("github").startswith("::warning file=a.csv,line=3,")


def test_validate_github_and_human_formats_report_the_same_problems(tmp_path, schema):
    path = tmp_path / "places.csv"
    path.write_text("\n".join([header(schema), row(schema, id="A"), row(schema, id="b", type="x")]) + "\n",
                    encoding="utf-8")
    human = invoke("validate", "--places", str(path))
    github = invoke("validate", "--places", str(path), "--format", "github")
    assert human.returncode == github.returncode == 1
    annotations = [line for line in github.stdout.splitlines() if line.startswith("::")]
    assert [a.split(",")[1] for a in annotations if "places.csv" in a] == ["line=2", "line=3"]
    assert len(human.stderr.splitlines()) == len(annotations) + 1  # plus the summary line


def test_diff_places_reports_added_removed_and_modified_places(schema):
    old = "\n".join([header(schema), row(schema, id="a", nom="A"), row(schema, id="b", nom="B")]) + "\n"
    new = "\n".join([header(schema), row(schema, id="a", nom="A", commune="Montreuil", code_postal="93100"),
                     row(schema, id="c", nom="C <b>*gras*</b>")]) + "\n"
    diff = diff_places(old.encode(), new.encode())
    assert [r["id"] for r in diff.added] == ["c"] and [r["id"] for r in diff.removed] == ["b"]
    assert diff.modified[0][1] == [("code_postal", "75011", "93100"), ("commune", "Paris", "Montreuil")]
    text = to_markdown(diff, "main")
    assert "1 ajouté, 1 modifié, 1 supprimé." in text
    assert "- <code>c</code> — C &lt;b&gt;\\*gras\\*&lt;/b&gt; (fablab, Paris)" in text
    assert "  - <code>commune</code> : « Paris » → « Montreuil »" in text


def test_diff_places_ignores_formatting_changes(schema):
    text = "\n".join([header(schema), row(schema, id="a")]) + "\n"
    crlf_bom = b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode()
    assert diff_places(text.encode(), crlf_bom).empty


def test_diff_places_compares_two_commits_of_a_git_repository(tmp_path, schema):
    repo = tmp_path / "repo"
    (repo / "data").mkdir(parents=True)
    places = repo / "data" / "places.csv"

    def git(*args):
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("config", "user.email", "test@example.org")
    git("config", "user.name", "Test")
    places.write_text("\n".join([header(schema), row(schema, id="a"), row(schema, id="b")]) + "\n")
    git("add", ".")
    git("commit", "-qm", "first")
    places.write_text("\n".join([header(schema), row(schema, id="a", nom="Renommé"), row(schema, id="d")]) + "\n")
    git("commit", "-qam", "second")
    done = invoke("diff-places", "--places", str(places), "--base", "HEAD~1")
    assert done.returncode == 0, done.stderr
    assert "1 ajouté, 1 modifié, 1 supprimé." in done.stdout
    assert "  - <code>nom</code> : « Lieu test » → « Renommé »" in done.stdout
    assert "#### Supprimés\n\n- <code>b</code> — Lieu test (fablab, Paris)" in done.stdout


def test_diff_places_rejects_an_unknown_reference(tmp_path):
    done = invoke("diff-places", "--base", "no-such-ref")
    assert done.returncode == 1 and "référence git inconnue" in done.stderr


def workflow(name):
    return yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8"))


def steps_of(job):
    return [step.get("uses", "").split("@")[0] or step.get("run", "") for step in job["steps"]]


def test_the_ci_workflow_tests_validates_summarises_and_builds():
    ci = workflow("ci.yml")
    assert {"pull_request", "push"} <= set(ci[True])  # YAML 1.1 reads the key "on" as True
    job = ci["jobs"]["check"]
    steps = steps_of(job)
    assert "actions/setup-python" in steps
    setup_python = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/setup-python"))
    assert setup_python["with"]["cache"] == "pip"
    runs = "\n".join(s for s in steps if "\n" in s or " " in s)
    assert "make test" in runs
    assert "invoke validate --format github" in runs
    assert "invoke diff-places" in runs and "GITHUB_STEP_SUMMARY" in runs
    assert "invoke publish" in runs
    assert "actions/upload-artifact" in steps


def test_the_pages_workflow_builds_with_publishconf_and_deploys():
    pages = workflow("pages.yml")
    assert pages["concurrency"]["group"] == "pages"
    assert pages[True]["push"]["branches"] == ["main"]
    assert pages["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build_steps = steps_of(pages["jobs"]["build"])
    assert {"actions/configure-pages", "actions/upload-pages-artifact"} <= set(build_steps)
    assert any("invoke publish" in s for s in build_steps)
    assert steps_of(pages["jobs"]["deploy"]) == ["actions/deploy-pages"]


@pytest.mark.skipif(shutil.which("actionlint", path=str(ROOT / ".venv" / "bin")) is None
                    and shutil.which("actionlint") is None,
                    reason="actionlint is not installed (requirements.txt installs it from PyPI)")
def test_actionlint_finds_nothing_in_the_workflows():
    binary = shutil.which("actionlint", path=str(ROOT / ".venv" / "bin")) or shutil.which("actionlint")
    done = subprocess.run([binary, *sorted(str(p) for p in (ROOT / ".github" / "workflows").glob("*.yml"))],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_issue_form_and_the_pull_request_template_exist():
    form = yaml.safe_load((ROOT / ".github" / "ISSUE_TEMPLATE" / "signaler-un-lieu.yml").read_text(encoding="utf-8"))
    assert form["name"] == "Signaler un lieu"
    assert {item.get("id") for item in form["body"]} >= {"nom", "type", "adresse"}
    template = (ROOT / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    assert template.count("- [ ]") >= 6


def test_the_example_line_of_contributing_is_a_valid_new_place(tmp_path, schema, region):
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    example = text.split("```csv\n", 1)[1].split("\n```", 1)[0]
    places = tmp_path / "places.csv"
    places.write_bytes((ROOT / "data" / "places.csv").read_bytes() + example.encode() + b"\n")
    result = load_places(places, schema)
    assert result.errors == []
    assert result.records[-1]["id"] == "le-fablab-de-montreuil"
