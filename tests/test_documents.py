"""Markdown documents are read and checked against data/documents.schema.json, each problem on its line."""

import pytest
from lieux.core.html import render_markdown, sanitize
from lieux.stages.documents import parse_front_matter, read_document


@pytest.fixture
def write_doc(tmp_path):
    def write(text, name="projet-test.md"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def read(write_doc, document_schema, text, kind="projet", name="projet-test.md"):
    doc, problems = read_document(write_doc(text, name), document_schema.kinds[kind], document_schema, render_markdown)
    return doc, [(p.line, p.column, p.severity, p.message) for p in problems]


PROJECT = "Title: Un projet\nStatut: en cours\n"


def test_the_front_matter_keeps_each_line_and_continuation_lines():
    entries, body = parse_front_matter("Title: A\nJalon: 2017 : un\n    suite\nJalon: 2018 : deux\n\nTexte")
    assert [(e.line, e.value) for e in entries["jalon"]] == [(2, "2017 : un suite"), (4, "2018 : deux")]
    assert body == "Texte"


def test_a_valid_project_has_no_problem(write_doc, document_schema):
    doc, found = read(write_doc, document_schema, PROJECT + "Jalon: 2017-06-21 : un atelier\n\nTexte.")
    assert found == []
    assert doc.fields["statut"] == "en-cours" and doc.fields["jalon"][0].date_text == "21 juin 2017"


def test_an_impossible_milestone_date_is_reported_on_its_line(write_doc, document_schema):
    _, found = read(write_doc, document_schema, PROJECT + "Jalon: 2024-13-45 : jamais\n\n")
    assert found == [(3, "Jalon", "warning",
                      "« 2024-13-45 » n'est pas une date réelle (AAAA, AAAA-MM ou AAAA-MM-JJ) ; le jalon n'est pas "
                      "affiché")]


def test_an_unknown_status_lists_the_allowed_values(write_doc, document_schema):
    _, found = read(write_doc, document_schema, "Title: X\nStatut: terminé\n\n")
    (line, key, severity, message), = found
    assert (line, key, severity) == (2, "Statut", "warning") and "en-cours (En cours)" in message


def test_a_javascript_url_is_refused(write_doc, document_schema):
    text = "Title: P\nNature: public\nSite: javascript:alert(1)\n\n"
    _, found = read(write_doc, document_schema, text, kind="partenaire", name="p.md")
    assert [(f[0], f[1], f[2]) for f in found] == [(3, "Site", "error")]


@pytest.mark.parametrize("url", ["data:text/html,x", "vbscript:x", "//evil.example.org/", "ftp://x.org", "http://x"])
def test_other_dangerous_or_incomplete_urls_are_refused(write_doc, document_schema, url):
    _, found = read(write_doc, document_schema, f"Title: P\nNature: public\nSite: {url}\n\n", "partenaire", "p.md")
    assert [f[1] for f in found] == ["Site"]


def test_a_file_name_with_spaces_is_refused(write_doc, document_schema):
    doc, found = read(write_doc, document_schema, PROJECT, name="Mon Projet.md")
    assert doc is None and found[0][1] == "fichier" and "mon-projet.md" in found[0][3]


def test_a_missing_required_key_is_an_error(write_doc, document_schema):
    _, found = read(write_doc, document_schema, "Statut: idée\n\n")
    assert [(f[1], f[2]) for f in found] == [("Title", "error")]


def test_an_unknown_key_is_a_warning_naming_the_possible_keys(write_doc, document_schema):
    _, found = read(write_doc, document_schema, PROJECT + "Couleur: bleu\n\n")
    assert found[0][:3] == (3, "Couleur", "warning") and "Besoins" in found[0][3]


def test_control_and_bidi_characters_in_metadata_are_refused(write_doc, document_schema):
    _, found = read(write_doc, document_schema, "Title: Un \u202eprojet\nStatut: idée\n\n")
    assert found[0][:3] == (1, "Title", "error") and "U+202E" in found[0][3]


def test_free_words_in_needs_are_mapped_and_the_mapping_is_said(write_doc, document_schema):
    doc, found = read(write_doc, document_schema, PROJECT + "Besoins: imprimante 3D, business angels, mentorat\n\n")
    assert doc.fields["besoins"] == ["prototypage", "financement", "mentorat"]
    assert [f[3] for f in found] == ["« imprimante 3D » compris comme « prototypage » (synonyme « imprimante 3d »)",
                                     "« business angels » compris comme « financement » (synonyme « business angels »)"]
    assert {f[2] for f in found} == {"note"}


def test_an_unknown_word_gets_the_nearest_code_proposed(write_doc, document_schema):
    _, found = read(write_doc, document_schema, PROJECT + "Besoins: recrutment\n\n")
    assert found[0][2] == "warning" and "vouliez-vous dire « recrutement » ?" in found[0][3]


def test_an_event_date_must_be_real(write_doc, document_schema):
    _, found = read(write_doc, document_schema, "Title: E\nDate: 2017-02-30\n\n", "evenement", "e.md")
    assert found[0][:3] == (2, "Date", "error")


def test_the_sanitizer_removes_scripts_handlers_and_javascript_links():
    html = sanitize('<p onclick="x()">a</p><script>alert(1)</script><a href="javascript:alert(1)">l</a>'
                    '<iframe src="https://x.org"></iframe><img src="x" onerror="alert(1)">')
    assert "script" not in html and "onclick" not in html and "javascript" not in html
    assert "iframe" not in html and "onerror" not in html


def test_ordinary_markdown_is_untouched_by_the_sanitizer():
    html = render_markdown("## Titre\n\nDu **gras**, de l'*italique*, un [lien](https://exemple.org/).\n\n"
                           "- un\n- deux\n\n![une image](https://exemple.org/a.png)")
    assert "<h2>Titre</h2>" in html and "<strong>gras</strong>" in html and "<em>italique</em>" in html
    assert 'href="https://exemple.org/"' in html and "<li>un</li>" in html and 'alt="une image"' in html
