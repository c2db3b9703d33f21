"""The build reads coordinates from the CSV first, then from the committed geocoding cache."""

from conftest import FIXTURES
from lieux.core.geocache import CacheEntry, address_query, merge_cache, read_cache, write_cache
from lieux.core.problems import Record
from lieux.stages.load import load_places
from lieux.stages.locate import locate


def record(**values):
    base = {"id": "x", "adresse": "3 rue de l'Incubateur", "code_postal": "92100",
            "commune": "Boulogne-Billancourt", "latitude": None, "longitude": None}
    base.update(values)
    return Record(2, base)


def entry(query, status="ok", lat=48.835, lon=2.24):
    return CacheEntry(query, status, lat, lon, "ban", 0.91, "label", "92100", "92012", "2026-11-20")


def test_the_query_is_the_normalised_address():
    assert address_query({"adresse": "3  Rue X", "code_postal": "75011", "commune": "PARIS"}) == "3 rue x 75011 paris"


def test_the_query_ignores_case_and_accents():
    query = address_query({"adresse": "6 Allée des Sablons", "code_postal": "94120", "commune": "FONTENAY-SOUS-BOIS"})
    assert query == "6 allee des sablons 94120 fontenay-sous-bois"


def test_an_incomplete_address_has_no_query():
    assert address_query({"adresse": "", "code_postal": "75011", "commune": "Paris"}) is None


def test_coordinates_from_the_csv_win_over_the_cache(region):
    rec = record(latitude=48.9, longitude=2.3)
    located = locate([rec], {address_query(rec.values): entry(address_query(rec.values))}, region)
    assert (located["x"].latitude, located["x"].source) == (48.9, "csv")


def test_a_place_without_coordinates_takes_the_accepted_cache_result(region):
    rec = record()
    located = locate([rec], {address_query(rec.values): entry(address_query(rec.values))}, region)
    assert (located["x"].latitude, located["x"].longitude, located["x"].source) == (48.835, 2.24, "geocache")


def test_a_low_confidence_result_is_not_applied(region):
    rec = record()
    query = address_query(rec.values)
    assert locate([rec], {query: entry(query, status="low-confidence")}, region) == {}


def test_a_cache_result_outside_the_region_is_not_applied(region):
    rec = record()
    query = address_query(rec.values)
    assert locate([rec], {query: entry(query, lat=43.6, lon=1.44)}, region) == {}


def test_the_fixture_cache_locates_the_fixture_place(schema, region):
    records = load_places(FIXTURES / "places-small.csv", schema).records
    cache, problems = read_cache(FIXTURES / "geocache-small.csv")
    assert problems == []
    assert locate(records, cache, region)["incub-c"].source == "geocache"


def test_a_missing_cache_is_empty(tmp_path):
    assert read_cache(tmp_path / "absent.csv") == ({}, [])


def test_the_cache_round_trips_sorted(tmp_path):
    path = tmp_path / "cache.csv"
    entries = [entry("b query"), entry("a query", status="not-found", lat=None, lon=None)]
    write_cache(path, entries)
    cache, problems = read_cache(path)
    assert problems == []
    assert list(cache) == ["a query", "b query"]
    assert cache["b query"].latitude == 48.835 and cache["a query"].latitude is None
    assert not (tmp_path / "cache.csv.tmp").exists()


def test_a_hand_edited_bad_row_is_reported_with_its_line(tmp_path):
    path = tmp_path / "cache.csv"
    write_cache(path, [entry("a"), entry("b")])
    lines = path.read_text().splitlines()
    lines[2] = lines[2].replace("48.835000", "quarante-huit")
    path.write_text("\n".join(lines) + "\n")
    cache, problems = read_cache(path)
    assert [(p.line, p.column) for p in problems] == [(3, "latitude")]
    assert list(cache) == ["a"]


def test_merging_keeps_the_rows_on_disk_and_the_new_results_win(tmp_path):
    path = tmp_path / "cache.csv"
    write_cache(path, [entry("a"), entry("b", status="not-found", lat=None, lon=None)])
    assert merge_cache(path, {"b": entry("b"), "c": entry("c")}) == []
    cache, problems = read_cache(path)
    assert problems == [] and list(cache) == ["a", "b", "c"] and cache["b"].status == "ok"


def test_merging_takes_the_new_result_over_a_repeated_row_of_its_query(tmp_path):
    path = tmp_path / "cache.csv"
    write_cache(path, [entry("a")])
    with path.open("a", encoding="utf-8") as handle:
        handle.write("a,not-found,,,ban,,,,,2026-11-21\n")
    assert merge_cache(path, {"a": entry("a", lat=48.9)}) == []
    cache, problems = read_cache(path)
    assert problems == [] and cache["a"].latitude == 48.9


def test_merging_leaves_a_file_with_a_bad_row_as_it_is(tmp_path):
    path = tmp_path / "cache.csv"
    write_cache(path, [entry("a")])
    with path.open("a", encoding="utf-8") as handle:
        handle.write("b,ok,quarante,2.3,ban,0.9,l,75001,75101,2026-11-21\n")
    before = path.read_bytes()
    (problem,) = merge_cache(path, {"c": entry("c")})
    assert (problem.line, problem.column) == (3, "latitude")
    assert path.read_bytes() == before
