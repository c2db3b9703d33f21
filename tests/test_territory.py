"""Territory reference data, read from the real @etalab/decoupage-administratif package in node_modules."""

from __future__ import annotations

from pathlib import Path

import pytest
from lieux.core.territory import CREDIT, DATA_SUBDIR, Commune, Territory, TerritoryError, regions_of_setting

NODE_MODULES = Path(__file__).resolve().parent.parent / "node_modules"

pytestmark = pytest.mark.skipif(
    not (NODE_MODULES / DATA_SUBDIR).is_dir(), reason="node_modules absent : lancez « make build »"
)


@pytest.fixture(scope="module")
def idf() -> Territory:
    return Territory.load(NODE_MODULES, ["11"])


@pytest.fixture(scope="module")
def corse() -> Territory:
    return Territory.load(NODE_MODULES, ["94"])


@pytest.fixture(scope="module")
def reunion() -> Territory:
    return Territory.load(NODE_MODULES, ["04"])


# Regions and départements


def test_ile_de_france_has_its_eight_departements_with_their_names(idf):
    assert idf.departements == {
        "75": "Paris",
        "77": "Seine-et-Marne",
        "78": "Yvelines",
        "91": "Essonne",
        "92": "Hauts-de-Seine",
        "93": "Seine-Saint-Denis",
        "94": "Val-de-Marne",
        "95": "Val-d'Oise",
    }


def test_occitanie_has_thirteen_departements():
    assert len(Territory.load(NODE_MODULES, ["76"]).departements) == 13


def test_corsican_departements_sort_between_19_and_21_as_insee_does():
    codes = list(Territory.load(NODE_MODULES, ["94", "84", "75"]).departements)
    assert codes == sorted(codes, key=lambda c: c.replace("2A", "20A").replace("2B", "20B"))
    assert codes.index("19") + 1 == codes.index("2A") == codes.index("2B") - 1


def test_territory_is_named_after_its_region(idf):
    assert idf.name == "Île-de-France"
    assert idf.regions == (("11", "Île-de-France"),)


def test_several_regions_are_named_in_the_order_given():
    assert Territory.load(NODE_MODULES, ["76", "11"]).name == "Occitanie et Île-de-France"
    assert Territory.load(NODE_MODULES, ["76", "94", "11"]).name == "Occitanie, Corse et Île-de-France"


def test_credit_names_insee_la_poste_and_etalab():
    assert "INSEE" in CREDIT and "La Poste" in CREDIT and "@etalab/decoupage-administratif" in CREDIT


# Départements of places


def test_paris_postcode_belongs_to_paris(idf):
    assert idf.departement_of("75011") == "75"


def test_insee_code_wins_over_postcode(idf):
    assert idf.departement_of(postcode="77500", insee="93047") == "93"


def test_postcode_used_across_a_departement_border_follows_its_commune(idf):
    # 94390 is a postcode of Paray-Vieille-Poste, in Essonne.
    assert idf.departement_of("94390") == "91"


def test_former_insee_code_leads_to_the_current_commune(idf):
    # Montreuil was 75048 in the former Seine département.
    assert idf.departement_of(insee="75048") == "93"


def test_ajaccio_insee_code_belongs_to_corse_du_sud(corse):
    assert corse.departement_of(insee="2A004") == "2A"


def test_corsican_postcode_belongs_to_the_departement_of_its_commune(corse):
    assert corse.departement_of("20000") == "2A"
    assert corse.departement_of("20200") == "2B"


def test_reunion_postcode_and_insee_code_belong_to_a_three_digit_departement(reunion):
    assert reunion.departement_of("97400") == "974"
    assert reunion.departement_of(insee="97411") == "974"


def test_postcode_outside_the_territory_has_no_departement(idf):
    assert idf.departement_of("13008") == ""
    assert idf.departement_of("69003") == ""


def test_insee_code_outside_the_territory_has_no_departement(idf):
    assert idf.departement_of(postcode="75011", insee="13055") == ""


def test_postcode_unknown_to_la_poste_falls_back_to_its_first_two_digits(idf):
    assert idf.departement_of("92042") == "92"  # a CEDEX code


def test_malformed_codes_have_no_departement(idf):
    assert idf.departement_of("") == ""
    assert idf.departement_of("7501") == ""
    assert idf.departement_of("75011", insee="0") == "75"


# Communes and postcodes


def test_territory_contains_its_postcodes_and_communes(idf):
    assert idf.contains_postcode("93100")
    assert not idf.contains_postcode("13008")
    assert idf.contains_commune("93048")
    assert not idf.contains_commune("13055")


def test_commune_is_found_by_insee_code(idf):
    assert idf.commune("93048") == Commune("93048", "Montreuil", "93", "11", ("93100",))
    assert idf.commune("13055") is None


def test_paris_postcode_is_used_by_paris_and_its_arrondissement(idf):
    assert [c.code for c in idf.communes_of_postcode("75011")] == ["75056", "75111"]


def test_arrondissement_commune_knows_its_number(idf):
    assert idf.commune("75111").arrondissement == 11
    assert idf.commune("75056").arrondissement is None


def test_arrondissement_of_paris_postcodes(idf):
    assert idf.arrondissement_of("75011") == 11
    assert idf.arrondissement_of("75116") == 16
    assert idf.arrondissement_of("93100") is None


def test_arrondissement_of_lyon_and_marseille_postcodes():
    territory = Territory.load(NODE_MODULES, ["84", "93"])
    assert territory.arrondissement_of("69003") == 3
    assert territory.arrondissement_of("13008") == 8


# Postcode and commune name consistency


def test_montreuil_postcode_matches_montreuil_and_not_paris(idf):
    assert idf.postcode_matches("93100", "Montreuil") is True
    assert idf.postcode_matches("93100", "Paris") is False


def test_paris_matches_a_paris_arrondissement_postcode(idf):
    assert idf.postcode_matches("75011", "Paris") is True
    assert idf.postcode_matches("75011", "Paris 11e") is True


def test_chelles_postcode_matches_chelles_but_not_neighbouring_montfermeil(idf):
    # The CGET check: 77500 is Chelles' postcode; Montfermeil (93) uses 93370.
    assert idf.postcode_matches("77500", "Chelles") is True
    assert idf.postcode_matches("77500", "Montfermeil") is False


def test_names_match_ignoring_case_accents_punctuation_and_leading_article(idf):
    assert idf.postcode_matches("94240", "HAY LES ROSES") is True
    assert idf.postcode_matches("93200", "st-denis") is True
    assert idf.postcode_matches("93700", "Drancy Cedex") is True


def test_former_commune_name_matches_the_postcode_of_its_new_commune(idf):
    assert idf.postcode_matches("78150", "Le Chesnay") is True


def test_postcode_unknown_to_the_territory_cannot_be_matched(idf):
    assert idf.postcode_matches("13008", "Marseille") is None


# Settings and errors


def test_region_setting_accepts_a_code_or_a_list_of_codes():
    assert regions_of_setting("11") == ("11",)
    assert regions_of_setting(["11", "76"]) == ("11", "76")
    assert regions_of_setting(("11",)) == ("11",)


@pytest.mark.parametrize("value", [11, None, [], "", ["11", 76], {"11": "IDF"}])
def test_region_setting_rejects_anything_else_in_french(value):
    with pytest.raises(TerritoryError, match="Réglage de régions invalide"):
        regions_of_setting(value)


def test_unknown_region_code_is_refused_in_french():
    with pytest.raises(TerritoryError, match="Code de région inconnu : « 99 »"):
        Territory.load(NODE_MODULES, ["11", "99"])


def test_missing_data_folder_asks_to_run_make_build(tmp_path):
    with pytest.raises(TerritoryError, match="make build"):
        Territory.load(tmp_path, ["11"])
