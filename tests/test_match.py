"""Matching needs to offers: a ranking a reader can follow, written here by hand."""

import math

from lieux.stages.match import Helper, Index, Seeker, Suggestion, format_km, match_all, rank, wanted_by

PARIS_11 = (48.859, 2.379)
MONTREUIL = (48.861, 2.443)  # about 4.7 km east of PARIS_11
EVRY = (48.629, 2.441)  # about 26 km south


def helper(key, codes, point=None, deps=()):
    return Helper(key, key.title(), frozenset(codes), (point,) if point else (), frozenset(deps))


HELPERS = [
    helper("fablab-montreuil", {"prototypage", "formation"}, MONTREUIL, {"93"}),
    helper("fablab-evry", {"prototypage"}, EVRY, {"91"}),
    helper("cowork-a", {"bureaux"}, PARIS_11, {"75"}),
    helper("cowork-b", {"bureaux"}, MONTREUIL, {"93"}),
    helper("incubateur", {"mentorat", "financement", "bureaux"}, EVRY, {"91"}),
    helper("reseau", {"mentorat"}, None, {"75"}),
]


def test_a_rare_offer_weighs_more_than_a_common_one():
    weights = Index.build(HELPERS).weights
    assert weights["financement"] > weights["bureaux"]  # one helper of six against three
    assert math.isclose(weights["financement"], 1 + math.log(6 / 1))
    assert math.isclose(weights["bureaux"], 1 + math.log(6 / 3))


def test_covering_more_needs_ranks_first_whatever_the_distance():
    project = Seeker("p", ("prototypage", "formation"), ((PARIS_11, "Le Lieu du projet"),))
    assert [s.helper.key for s in rank(project, Index.build(HELPERS))] == ["fablab-montreuil", "fablab-evry"]


def test_equal_scores_are_ordered_by_distance_to_the_project():
    project = Seeker("p", ("bureaux",), ((PARIS_11, "Le Lieu du projet"),))
    ranked = [s.helper.key for s in rank(project, Index.build(HELPERS))]
    assert ranked == ["cowork-a", "cowork-b", "incubateur"]


def test_without_a_position_the_same_departement_comes_first():
    project = Seeker("p", ("mentorat",), (), frozenset({"75"}))
    assert [s.helper.key for s in rank(project, Index.build(HELPERS))] == ["reseau", "incubateur"]


def test_the_hand_written_ranking_of_a_mixed_project():
    # mentorat (2 helpers, weight 2.10) + bureaux (3, 1.69) + financement (1, 2.79), near Paris 11e:
    # the incubator covers all three (6.58), then the network (2.10, no position), then the coworkings
    # (1.69, by distance).
    project = Seeker("p", ("mentorat", "bureaux", "financement"), ((PARIS_11, "Le Lieu du projet"),))
    ranked = rank(project, Index.build(HELPERS))
    assert [s.helper.key for s in ranked] == ["incubateur", "reseau", "cowork-a", "cowork-b"]
    assert ranked[0].covered == ("mentorat", "bureaux", "financement")


def test_a_limit_keeps_the_best():
    project = Seeker("p", ("bureaux",), ((PARIS_11, "Le Lieu du projet"),))
    assert [s.helper.key for s in rank(project, Index.build(HELPERS), limit=1)] == ["cowork-a"]


def test_the_reason_says_what_is_offered_and_how_far():
    project = Seeker("p", ("prototypage", "formation"), ((PARIS_11, "Le Cargo"),))
    best = rank(project, Index.build(HELPERS))[0]
    labels = {"prototypage": "Prototypage et fabrication", "formation": "Formation"}
    reason = best.reason(labels).replace("\u00a0", " ")
    assert reason == "propose : prototypage et fabrication, formation · à 4,7 km de « Le Cargo »"


def test_distances_read_in_french():
    assert (format_km(0.85), format_km(3.24), format_km(27.4)) == ("850\u00a0m", "3,2\u00a0km", "27\u00a0km")


def test_the_same_departement_is_given_as_a_reason_when_there_is_no_distance():
    suggestion = Suggestion(HELPERS[5], ("mentorat",), 2.0, same_departement=True)
    reason = suggestion.reason({"mentorat": "Mentorat"})
    assert reason == "propose\u00a0: mentorat ·\u00a0dans le même département"


def test_a_project_without_needs_gets_no_suggestions():
    assert match_all([Seeker("p", ())], HELPERS) == {}


def test_places_and_partners_know_which_projects_look_for_what_they_offer():
    seekers = [Seeker("a", ("prototypage",)), Seeker("b", ("bureaux", "formation", "prototypage")), Seeker("c", ("x",))]
    assert wanted_by(seekers, HELPERS[0]) == [("b", ("formation", "prototypage")), ("a", ("prototypage",))]
