"""The stages link places, partners and projects both ways and report unknown references."""

import pytest
from conftest import FIXTURES
from lieux.core.config import Config
from lieux.core.html import render_markdown
from lieux.pipeline import run
from lieux.stages.assemble import assemble
from lieux.stages.load import load_places
from lieux.stages.locate import locate


def fixture_config(**settings):
    return Config.from_settings({"PATH": str(FIXTURES / "content"), "PLACES_CSV": str(FIXTURES / "places-small.csv"),
                                 "GEOCODE_CACHE": str(FIXTURES / "geocache-small.csv"),
                                 "REPO_URL": "https://github.com/o/r", **settings})


@pytest.fixture(scope="module")
def result():
    return run(fixture_config(), render=render_markdown)


@pytest.fixture
def site(result):
    site = result.site
    site.problems = result.problems
    return site


def by_id(site, place_id):
    return next(p for p in site.places if p.id == place_id)


def test_every_column_of_the_schema_reads_as_the_places_value(site, schema):
    for place in site.places:
        assert [getattr(place, name) for name in schema.names] == [place.record.values[n] for n in schema.names]


def test_a_place_shares_its_values_with_its_record(site):
    place = site.places[0]
    assert place.__dict__ is place.record.values


def test_places_are_sorted_by_name_ignoring_accents(site):
    assert [p.nom for p in site.places] == ["Atelier A", "Cowork B", "École E", "Incubateur C", "Tiers D"]


def test_a_partner_link_shows_on_both_sides(site):
    partner = next(p for p in site.partners if p.slug == "reseau-a")
    assert [p.id for p in partner.places] == ["atelier-a"]
    assert [p.slug for p in by_id(site, "atelier-a").partners] == ["reseau-a"]


def test_a_project_links_places_and_partners_both_ways(site):
    project = site.projects[0]
    assert [p.id for p in project.places] == ["atelier-a", "incub-c"]
    assert [p.slug for p in project.partners] == ["reseau-a"]
    assert [p.slug for p in by_id(site, "incub-c").projects] == ["projet-x"]
    assert [p.slug for p in project.partners[0].projects] == ["projet-x"]


def test_a_place_outside_the_region_is_kept_as_text(site):
    assert site.projects[0].places_elsewhere == ["La Serre, Toulouse"]


def test_milestones_are_sorted_by_date(site):
    assert [(m.date, m.text) for m in site.projects[0].milestones] == [
        ("2018", "première étape"), ("2020-05", "deuxième étape")]


def test_an_unknown_place_id_is_reported_with_file_and_line(site):
    problem = next(p for p in site.problems if "lieu-inconnu" in p.message)
    assert problem.path.endswith("partenaires/reseau-a.md") and problem.line == 3
    assert problem.column == "Lieux"


def test_an_unknown_partner_is_reported_with_file_and_line(site):
    problem = next(p for p in site.problems if "partenaire-fantome" in p.message)
    assert problem.path.endswith("projets/projet-x.md") and problem.line == 3


def test_validate_finds_the_problems_of_a_build_without_building_the_site(result):
    checked = run(fixture_config(), render=render_markdown, site=False)
    assert checked.site is None
    assert checked.problems == result.problems
    assert any("lieu-inconnu" in p.message for p in checked.problems)


def test_an_unknown_vocabulary_value_is_reported(site):
    problem = next(p for p in site.problems if "grand compte" in p.message)
    assert problem.path.endswith("entreprise-b.md") and problem.line == 2


def test_a_badly_written_milestone_is_reported(site):
    problem = next(p for p in site.problems if p.column == "Jalon")
    assert problem.line == 8


def test_a_long_description_file_must_match_a_place(site):
    assert by_id(site, "atelier-a").body
    assert any(p.path.endswith("lieux/fantome.md") for p in site.problems)


def test_the_departement_comes_from_the_postcode(site):
    assert by_id(site, "cowork-b").departement == "93"
    assert by_id(site, "tiers-d").departement_label == "non renseigné"


def test_the_directory_groups_by_type_then_departement(site):
    fablabs = next(t for t in site.types if t.code == "fablab")
    assert [(code, [p.id for p in places]) for code, _, places in fablabs.by_departement] == [("75", ["atelier-a"])]


def test_places_without_coordinates_are_listed_not_mapped(site, schema, document_schema, region, config):
    records = load_places(FIXTURES / "places-small.csv", schema).records
    bare = assemble(records, locate(records, {}, region), [], schema, document_schema, region, config.urls)
    assert [p.id for p in bare.unmapped] == ["incub-c"]
    assert len(bare.places) == 5


def test_the_correction_link_points_to_the_line(site):
    assert by_id(site, "tiers-d").edit_url == "https://github.com/o/r/blob/main/tests/fixtures/places-small.csv?plain=1#L5"


def test_a_closed_place_says_so(site):
    place = by_id(site, "cowork-b")
    assert place.is_closed and place.status_label == "Fermé"


def test_update_dates_read_as_french_text(site):
    assert by_id(site, "atelier-a").date_maj_text == "du 15 janvier 2024"
    assert by_id(site, "ecole-e").date_maj_text == "de juin 2024"
    assert by_id(site, "cowork-b").date_maj_text == "de 2024"


def test_any_slice_of_the_pages_is_the_same_slice_of_every_page(result):
    from lieux.outputs import page_count, pages
    from lieux.outputs.context import Context

    ctx = Context(result.site, result.reference, fixture_config())
    every = [(p.template, p.save_as) for p in pages(ctx)]
    assert page_count(ctx) == len(every) and len(set(every)) == len(every)
    for start, stop in ((0, 3), (2, 9), (4, 5), (7, None), (len(every) - 1, len(every) + 5), (len(every), None)):
        assert [(p.template, p.save_as) for p in pages(ctx, start, stop)] == every[start:stop]


def test_a_record_gives_a_cell_as_written_and_an_empty_one_for_a_column_it_lacks():
    from lieux.core.problems import Record

    record = Record(2, {"statut": "actif"}, (" actif ", "x"), ("statut", "nom"))
    assert (record.cell("statut"), record.cell("commune")) == (" actif ", "")
