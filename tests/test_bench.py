"""The benchmark's own pieces: what it counts as rewritten, what it reads back, what it prints."""

import os

from lieux.tools import bench, benchsite


def test_a_file_rewritten_with_the_same_content_counts_as_rewritten(tmp_path):
    (tmp_path / "a.html").write_text("même", encoding="utf-8")
    before = benchsite.snapshot(tmp_path)
    os.utime(tmp_path / "a.html", ns=(1, 1))
    assert benchsite.changed(before, benchsite.snapshot(tmp_path)) == ["a.html"]


def test_an_untouched_folder_has_nothing_rewritten(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "c.txt").write_text("x", encoding="utf-8")
    assert benchsite.changed(benchsite.snapshot(tmp_path), benchsite.snapshot(tmp_path)) == []


def test_one_row_edited_keeps_every_other_row(tmp_path):
    source = tmp_path / "places.csv"
    source.write_text("id,nom,description\na,A,\nb,B,texte\nc,C,\n", encoding="utf-8")
    assert benchsite.edit_one_row(source, tmp_path / "edited.csv") == "b"
    edited = (tmp_path / "edited.csv").read_text(encoding="utf-8")
    assert edited == "id,nom,description\na,A,\nb,B,texte (modifié)\nc,C,\n"


def test_the_previous_release_figures_name_their_commit_and_sizes():
    previous = bench.load_previous()
    assert previous["commit"] and {"1000", "10000", "50000"} <= set(previous["sizes"])
    assert all("build_s" in figures for figures in previous["sizes"].values())


def test_every_figure_of_the_issue_has_a_line_with_its_goal():
    figures = {"places": 50_000, "build_s": 9.0, "build_mib": 250.0, "rebuild_s": 0.4, "rebuilt_files": 0,
               "files": 100, "one_row_files": ["lieux/x/index.html"], "validate_s": 0.9,
               "largest_html_bytes": 900_000, "largest_html": "lieux/index.html", "map_raw_per_place": 70.0,
               "map_gzip_per_place": 14.0, "floors": {"startup_s": 0.2, "page_us": 60.0, "parse_us": 3.0,
                                                      "names_gzip": 9.0}}
    lines = {label: goal for label, _, _, goal, _, _ in bench.rows_of(figures)}
    assert lines["construction (s)"] == "≤ 10" and lines["mémoire maximale (Mio)"] == "< 300"
    assert lines["invoke validate (s)"] == "< 1" and lines["carte : données gz (o/lieu)"] == "≤ 15"
    assert lines["plus grande page HTML (Mo)"] == "≤ 1" and lines["1ers groupes de la carte (s)"] == "≤ 0,4"
    assert lines["  fichiers réécrits"] == "0"


def test_writing_alone_makes_files_of_the_same_sizes_in_the_same_folders(tmp_path):
    site = tmp_path / "site"
    (site / "lieux" / "a").mkdir(parents=True)
    (site / "lieux" / "a" / "index.html").write_bytes(b"x" * 300)
    (site / "robots.txt").write_bytes(b"")
    assert benchsite.write_alone(site, tmp_path / "copy") >= 0
    copy = {k: v[2] for k, v in benchsite.snapshot(tmp_path / "copy").items()}
    assert copy == {os.path.join("lieux", "a", "index.html"): 300, "robots.txt": 0}
