"""Rebuilds: unchanged files are never rewritten, changed ones only, and the result is a clean build's."""

import os
import subprocess
import sys

import orjson
import pytest
from conftest import FIXTURES, ROOT
from lieux.core.sitefiles import SiteFiles, listing
from lieux.outputs import render
from lieux.tools import sitebuild

SMALL = FIXTURES / "places-small.csv"


def invoke_build(places, output, *extra):
    done = subprocess.run([sys.executable, "-m", "invoke", "build", "--places", str(places), "--output", str(output),
                           *extra], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done


def snapshot(folder):
    """``{path: (inode, mtime_ns, bytes)}`` of every file under ``folder``."""
    found = {}
    for path in folder.rglob("*"):
        if path.is_file():
            info = path.stat()
            found[path.relative_to(folder).as_posix()] = (info.st_ino, info.st_mtime_ns, path.read_bytes())
    return found


def changed(before, after):
    return sorted(p for p in after if before.get(p) != after[p]) + sorted(set(before) - set(after))


def edit_row(source, target, place_id, column, value):
    import csv

    with open(source, encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    column_index = rows[0].index(column)
    for row in rows[1:]:
        if row[0] == place_id:
            row[column_index] = value
    with open(target, "w", encoding="utf-8", newline="") as file:
        csv.writer(file, lineterminator="\n").writerows(rows)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("incremental")
    places = tmp / "places.csv"
    places.write_bytes(SMALL.read_bytes())
    invoke_build(places, tmp / "out")
    return tmp, places


def test_a_rebuild_with_nothing_changed_rewrites_no_file(built):
    tmp, places = built
    before = snapshot(tmp / "out")
    done = invoke_build(places, tmp / "out")
    assert changed(before, snapshot(tmp / "out")) == []
    assert "à jour" in done.stdout


def test_a_rebuild_after_one_row_changed_rewrites_only_the_files_that_depend_on_it(built, tmp_path):
    tmp, places = built
    out = tmp_path / "out"
    invoke_build(places, out)
    before = snapshot(out)
    edited = tmp_path / "places.csv"
    edit_row(places, edited, "atelier-a", "description", "Une description nouvelle")
    invoke_build(edited, out)
    # its page, the data files holding descriptions, and the feed of places updated
    assert changed(before, snapshot(out)) == ["lieux-recherche.json", "lieux.csv", "lieux.geojson",
                                              "lieux/atelier-a/index.html", "lieux/atom.xml"]


def test_a_rebuild_gives_the_files_of_a_clean_build(built, tmp_path):
    tmp, places = built
    edited = tmp_path / "places.csv"
    edit_row(places, edited, "atelier-a", "nom", "Atelier renommé")
    out = tmp_path / "out"
    invoke_build(places, out)
    invoke_build(edited, out)
    invoke_build(edited, tmp_path / "clean")
    assert {p: v[2] for p, v in snapshot(out).items()} == {p: v[2] for p, v in snapshot(tmp_path / "clean").items()}


def test_a_place_taken_out_of_the_data_loses_its_page(built, tmp_path):
    tmp, places = built
    out = tmp_path / "out"
    invoke_build(places, out)
    lines = places.read_text(encoding="utf-8").splitlines(keepends=True)
    shorter = tmp_path / "places.csv"
    shorter.write_text("".join(line for line in lines if not line.startswith("atelier-a,")), encoding="utf-8")
    invoke_build(shorter, out)
    assert not (out / "lieux" / "atelier-a").exists()


def test_a_file_changed_in_the_output_by_hand_is_restored_by_the_next_build(built, tmp_path):
    tmp, places = built
    out = tmp_path / "out"
    invoke_build(places, out)
    page = out / "lieux" / "atelier-a" / "index.html"
    original = page.read_bytes()
    page.write_text("modifié à la main", encoding="utf-8")
    invoke_build(places, out)
    assert page.read_bytes() == original


def test_a_change_to_a_document_changes_the_fingerprint(tmp_path):
    from lieux.core.config import Config, read_settings_file

    content = tmp_path / "content"
    (content / "pages").mkdir(parents=True)
    (content / "pages" / "a.md").write_text("Title: A\n\nTexte.\n", encoding="utf-8")
    settings = {**read_settings_file(ROOT / "pelicanconf.py"), "PATH": str(content)}
    config = Config.from_settings(settings)
    first = sitebuild.fingerprint(config, str(ROOT / "pelicanconf.py"), {}, ROOT / "theme")
    (content / "pages" / "a.md").write_text("Title: A\n\nAutre texte.\n", encoding="utf-8")
    assert sitebuild.fingerprint(config, str(ROOT / "pelicanconf.py"), {}, ROOT / "theme") != first


def test_site_files_stage_only_what_differs_from_the_published_site(tmp_path):
    published, staging = tmp_path / "site", tmp_path / "staging"
    (published / "a").mkdir(parents=True)
    (published / "a" / "index.html").write_text("même", encoding="utf-8")
    files = SiteFiles(staging, published)
    files.write("a/index.html", "même")
    files.write("b/index.html", "nouveau")
    assert sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file()) == ["b/index.html"]


def test_publishing_keeps_unchanged_files_and_removes_those_no_longer_made(tmp_path):
    published, staging = tmp_path / "site", tmp_path / "staging"
    published.mkdir()
    (published / "kept.txt").write_text("pareil", encoding="utf-8")
    (published / "gone.txt").write_text("ancien", encoding="utf-8")
    inode = (published / "kept.txt").stat().st_ino
    files = SiteFiles(staging, published)
    files.write("kept.txt", "pareil")
    files.write("new/file.txt", "neuf")
    report = files.publish()
    assert (report.moved, report.removed, report.kept) == (1, 1, 1)
    assert (published / "kept.txt").stat().st_ino == inode
    assert (published / "new" / "file.txt").read_text(encoding="utf-8") == "neuf"
    assert not (published / "gone.txt").exists() and not staging.exists()


def test_a_first_publication_moves_the_staging_folder_whole(tmp_path):
    files = SiteFiles(tmp_path / "staging", tmp_path / "site")
    files.write("a/b.txt", "x")
    inode = (tmp_path / "staging" / "a" / "b.txt").stat().st_ino
    assert files.publish().moved == 1
    assert (tmp_path / "site" / "a" / "b.txt").stat().st_ino == inode


def test_files_written_in_place_are_left_alone_when_unchanged(tmp_path):
    files = SiteFiles(tmp_path)
    files.write("a.txt", "x")
    before = os.stat(tmp_path / "a.txt")
    files.write("a.txt", "x")
    after = os.stat(tmp_path / "a.txt")
    assert (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns)


def test_pages_written_by_several_processes_are_those_one_process_writes(tmp_path, monkeypatch):
    jobs = [lambda i=i: [(f"p{i}/index.html", f"page {i}")] for i in range(50)]
    monkeypatch.setattr(render, "PARALLEL_FROM", 0)
    monkeypatch.setattr(render, "_processes", lambda: 2)
    several = SiteFiles(tmp_path / "several")
    render.write_all(lambda start, stop: jobs[start:stop], len(jobs), several)
    monkeypatch.setattr(render, "_processes", lambda: 1)
    one = SiteFiles(tmp_path / "one")
    render.write_all(lambda start, stop: jobs[start:stop], len(jobs), one)
    assert several.produced == one.produced == {f"p{i}/index.html" for i in range(50)}
    assert {p: v[2] for p, v in snapshot(tmp_path / "several").items()} == {
        p: v[2] for p, v in snapshot(tmp_path / "one").items()}


def test_the_manifest_of_a_first_build_lists_the_site_as_reading_it_would(tmp_path):
    invoke_build(SMALL, tmp_path / "site")
    manifest = orjson.loads(sitebuild.manifest_path(tmp_path / "site").read_bytes())
    assert manifest["files"] == listing(tmp_path / "site")


def test_pages_published_by_several_processes_are_listed_as_reading_the_site_would(tmp_path, monkeypatch):
    jobs = [lambda i=i: [(f"lieux/p{i}/index.html", f"page {i}"), (f"f{i}.txt", "x" * i)] for i in range(40)]
    monkeypatch.setattr(render, "PARALLEL_FROM", 0)
    monkeypatch.setattr(render, "_processes", lambda: 2)
    files = SiteFiles(tmp_path / "staging", tmp_path / "site")
    render.write_all(lambda start, stop: jobs[start:stop], len(jobs), files)
    assert files.publish().files == listing(tmp_path / "site")


def test_a_folder_the_build_made_is_listed_from_what_it_wrote_there(tmp_path):
    files = SiteFiles(tmp_path / "staging", tmp_path / "site")
    files.write("lieux/index.html", "annuaire")
    files.write("lieux/a/index.html", "a")
    (tmp_path / "staging" / "lieux" / "a" / "autre.txt").write_text("ajouté par un autre", encoding="utf-8")
    assert sorted(files.publish().files) == ["lieux/a/index.html", "lieux/index.html"]
