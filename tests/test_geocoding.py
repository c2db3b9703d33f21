"""Geocoding against a fake local service: cache, batch, faults, answers of the wrong shape, review,
interruption, one lock and one deadline per run."""

import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from conftest import ROOT, build, header, mapped_ids, row
from lieux.core.geocache import CacheEntry, read_cache, write_cache
from lieux.stages.load import load_places
from lieux.tools.fakegeo import SHAPES, Address, FakeGeocoder
from lieux.tools.geocoder import CacheBusy, Geocoder, Options, geocode_places

ADDRESSES = [
    Address("157 boulevard Macdonald", "75019", "Paris", 48.8986, 2.3797, 0.97, "75119"),
    Address("9 rue d'Alexandrie", "75002", "Paris", 48.8686, 2.3518, 0.92, "75102"),
    Address("6 allée des Sablons", "94120", "Fontenay-sous-Bois", 48.8512, 2.4655, 0.45, "94033"),
    Address("35 rue du docteur Babinski", "75018", "Paris", 48.9010, 2.3330, 0.88, "93070", "93400"),
    Address("5 parvis Alan Turing", "75013", "Paris", 48.8343, 2.3707, 0.96, "75113"),
]


@pytest.fixture
def fake():
    with FakeGeocoder(ADDRESSES) as server:
        yield server


@pytest.fixture
def places(tmp_path, schema):
    """Five places with an address and no coordinates, two sharing one, one unknown address."""
    path = tmp_path / "places.csv"
    rows = [
        row(schema, id="le-cargo", nom="Le Cargo", type="incubateur", adresse="157 boulevard Macdonald",
            code_postal="75019", commune="Paris"),
        row(schema, id="liberte", nom="Liberté Living-Lab", type="living-lab", adresse="9 rue d'Alexandrie",
            code_postal="75002", commune="Paris"),
        row(schema, id="le-plateau", nom="#LePlateau", adresse="6 allée des Sablons", code_postal="94120",
            commune="Fontenay-sous-Bois"),
        row(schema, id="be-coworking", nom="Be Coworking", type="coworking", adresse="35 rue du docteur Babinski",
            code_postal="75018", commune="Paris"),
        row(schema, id="station-f", nom="Station F", type="campus", adresse="5 parvis Alan Turing",
            code_postal="75013", commune="Paris"),
        row(schema, id="station-f-bis", nom="Station F (accueil)", type="campus", adresse="5 Parvis Alan  Turing",
            code_postal="75013", commune="PARIS"),
        row(schema, id="inconnu", nom="Lieu inconnu", adresse="1 rue qui n'existe pas", code_postal="75020",
            commune="Paris"),
        row(schema, id="sans-adresse", nom="Sans adresse", adresse="", code_postal="", commune="",
            latitude="48.8987", longitude="2.3796"),
    ]
    path.write_text("\n".join([header(schema), *rows]) + "\n", encoding="utf-8")
    return path


def records(path, schema, region):
    return load_places(path, schema).records


def fast(url, **kwargs):
    """Options for the local server: same code paths, no real-world delays."""
    base = dict(backoff=0.01, ban_delay=0, nominatim_delay=0, timeout=2, today="2026-11-23")
    base.update(kwargs)
    return Options(**base).pointed_at(url)


def run(path, cache, options, schema, region, **kwargs):
    return geocode_places(records(path, schema, region), cache, options, **kwargs)


def test_single_mode_geocodes_each_distinct_address_once(fake, places, tmp_path, schema, region):
    summary = run(places, tmp_path / "cache.csv", fast(fake.url, mode="single"), schema, region)
    assert (summary.found, summary.low_confidence, summary.not_found, summary.failed) == (3, 2, 1, 0)
    # six distinct addresses; the unknown one also asks Nominatim, the fallback
    assert fake.count("/search") == 7 and summary.requests == 7
    cache, problems = read_cache(tmp_path / "cache.csv")
    assert problems == [] and len(cache) == 6
    assert cache["157 boulevard macdonald 75019 paris"].latitude == 48.8986


def test_a_second_run_makes_no_request(fake, places, tmp_path, schema, region):
    run(places, tmp_path / "cache.csv", fast(fake.url, mode="single"), schema, region)
    before = len(fake.requests)
    summary = run(places, tmp_path / "cache.csv", fast(fake.url, mode="single"), schema, region)
    assert len(fake.requests) == before and summary.requests == 0


def test_batch_mode_sends_one_upload_per_chunk(fake, places, tmp_path, schema, region):
    summary = run(places, tmp_path / "cache.csv", fast(fake.url, mode="batch", batch_size=4), schema, region)
    assert fake.count("/search/csv") == 2 and len(fake.requests) == 2
    assert (summary.found, summary.low_confidence, summary.not_found) == (3, 2, 1)


def test_batch_and_single_modes_give_the_same_cache(fake, places, tmp_path, schema, region):
    run(places, tmp_path / "a.csv", fast(fake.url, mode="batch"), schema, region)
    run(places, tmp_path / "b.csv", fast(fake.url, mode="single", provider="ban"), schema, region)
    a, b = read_cache(tmp_path / "a.csv")[0], read_cache(tmp_path / "b.csv")[0]
    assert {q: (e.status, e.latitude) for q, e in a.items()} == {q: (e.status, e.latitude) for q, e in b.items()}


def test_a_low_score_is_kept_for_review_and_not_applied(fake, places, tmp_path, schema, region):
    summary = run(places, tmp_path / "cache.csv", fast(fake.url), schema, region)
    entry = read_cache(tmp_path / "cache.csv")[0]["6 allee des sablons 94120 fontenay-sous-bois"]
    assert (entry.status, entry.score) == ("low-confidence", 0.45)
    review = next(r for r in summary.reviews if r.place_id == "le-plateau")
    assert review.line == 4 and "score 0.45 < 0.6" in review.reason


def test_a_result_in_another_postcode_is_kept_for_review(fake, places, tmp_path, schema, region):
    summary = run(places, tmp_path / "cache.csv", fast(fake.url), schema, region)
    review = next(r for r in summary.reviews if r.place_id == "be-coworking")
    assert "code postal du résultat 93400 ≠ 75018" in review.reason


def test_min_score_is_an_option(fake, places, tmp_path, schema, region):
    summary = run(places, tmp_path / "cache.csv", fast(fake.url, min_score=0.4), schema, region)
    assert summary.low_confidence == 1  # only the postcode mismatch is left


def test_nominatim_is_the_fallback_when_the_ban_finds_nothing(tmp_path, places, schema, region):
    only_nominatim = Address("1 rue qui n'existe pas", "75020", "Paris", 48.86, 2.40)
    with FakeGeocoder(ADDRESSES) as fake:
        fake.addresses[only_nominatim.query] = only_nominatim
        original = fake.ban_search
        fake.ban_search = lambda params, shape="": (
            {"type": "FeatureCollection", "features": []} if "n'existe" in params["q"][0] else original(params))
        run(places, tmp_path / "cache.csv", fast(fake.url, mode="single"), schema, region)
    entry = read_cache(tmp_path / "cache.csv")[0]["1 rue qui n'existe pas 75020 paris"]
    assert (entry.provider, entry.status, entry.latitude) == ("nominatim", "ok", 48.86)


def test_the_nominatim_provider_alone(fake, places, tmp_path, schema, region):
    run(places, tmp_path / "cache.csv", fast(fake.url, provider="nominatim"), schema, region)
    providers = {e.provider for e in read_cache(tmp_path / "cache.csv")[0].values() if e.status != "not-found"}
    assert providers == {"nominatim"}


def test_nominatim_is_rate_limited_to_one_request_per_second(fake, places, tmp_path, schema, region):
    geocoder = Geocoder(fast(fake.url, provider="nominatim", nominatim_delay=1.0))
    assert geocoder.osm_search.min_delay_seconds == 1.0
    assert Options().nominatim_delay == 1.0 and Options().ban_delay == 1 / 50


def test_the_ban_default_host_is_the_geoplateforme():
    geocoder = Geocoder(Options())
    assert geocoder.ban.geocode_api == "https://data.geopf.fr/geocodage/search"


def test_a_429_waits_for_retry_after_then_succeeds(fake, places, tmp_path, schema, region):
    waits = []
    fake.fail("429", value=7)
    geocoder = Geocoder(fast(fake.url, mode="single"), sleep=waits.append)
    summary = run(places, tmp_path / "cache.csv", geocoder.options, schema, region, geocoder=geocoder)
    assert waits[0] == 7
    assert summary.failed == 0 and summary.found == 3


def test_a_500_is_retried_with_backoff(fake, places, tmp_path, schema, region):
    waits = []
    fake.fail("500", times=2)
    geocoder = Geocoder(fast(fake.url, mode="single", backoff=0.5), sleep=waits.append)
    summary = run(places, tmp_path / "cache.csv", geocoder.options, schema, region, geocoder=geocoder)
    assert waits == [0.5, 1.0] and summary.failed == 0


def test_persistent_failures_are_reported_and_the_run_goes_on(fake, places, tmp_path, schema, region):
    fake.fail("500", times=4)  # the first address exhausts its 4 attempts
    summary = run(places, tmp_path / "cache.csv", fast(fake.url, mode="single"), schema, region)
    assert summary.failed == 1
    assert summary.found + summary.low_confidence + summary.not_found == 5
    failed = next(r for r in summary.reviews if r.reason.startswith("échec"))
    assert failed.line == 2 and "après 4 tentative(s)" in failed.reason
    assert "157 boulevard macdonald 75019 paris" not in read_cache(tmp_path / "cache.csv")[0]


def test_a_timeout_is_retried_then_reported(fake, places, tmp_path, schema, region):
    fake.fail("timeout", times=2, value=1.0)
    summary = run(places, tmp_path / "cache.csv", fast(fake.url, mode="single", timeout=0.3, retries=1),
                  schema, region)
    assert summary.failed == 1
    assert "délai de réponse dépassé" in next(r.reason for r in summary.reviews if r.reason.startswith("échec"))


def test_a_body_that_is_not_json_fails_its_address_only(fake, places, tmp_path, schema, region):
    fake.fail("malformed", times=4)
    summary = run(places, tmp_path / "cache.csv", fast(fake.url, mode="single"), schema, region)
    assert summary.failed == 1 and summary.found + summary.low_confidence + summary.not_found == 5
    reason = next(r.reason for r in summary.reviews if r.reason.startswith("échec"))
    assert reason == "échec : réponse illisible (pas du JSON), après 4 tentative(s)"


WRONG_SHAPES = {
    "null-geometry": "résultat sans géométrie",
    "no-properties": "résultat sans propriétés",
    "bad-score": "score « abc » non numérique",
    "nan": "coordonnées non finies (nan, nan)",
    "inf": "coordonnées non finies (inf, inf)",
}


@pytest.mark.parametrize("shape", SHAPES)
def test_an_answer_of_the_wrong_shape_fails_that_address_and_the_run_goes_on(shape, fake, places, tmp_path,
                                                                             schema, region):
    fake.fail(shape)  # the first address: 157 boulevard Macdonald
    summary = run(places, tmp_path / "cache.csv", fast(fake.url, mode="single"), schema, region)
    assert summary.failed == 1 and summary.found + summary.low_confidence + summary.not_found == 5
    failed = next(r for r in summary.reviews if r.reason.startswith("échec"))
    assert failed.place_id == "le-cargo"
    assert failed.reason == f"échec : réponse inattendue du service : {WRONG_SHAPES[shape]}"
    cache, problems = read_cache(tmp_path / "cache.csv")
    assert problems == [] and "157 boulevard macdonald 75019 paris" not in cache
    assert fake.count("/search") == 7  # no retry: the same question would get the same answer


@pytest.mark.parametrize("shape", SHAPES)
def test_a_nominatim_answer_of_the_wrong_shape_fails_that_address(shape, fake, places, tmp_path, schema, region):
    fake.fail(shape)
    summary = run(places, tmp_path / "cache.csv", fast(fake.url, provider="nominatim"), schema, region)
    assert summary.failed == 1
    assert "réponse inattendue du service" in next(r.reason for r in summary.reviews if r.reason.startswith("échec"))
    assert "157 boulevard macdonald 75019 paris" not in read_cache(tmp_path / "cache.csv")[0]


@pytest.mark.parametrize("shape", SHAPES)
def test_a_batch_row_of_the_wrong_shape_fails_that_address_only(shape, fake, places, tmp_path, schema, region):
    fake.fail(shape)  # every found row of the upload is spoiled; the unknown address is still not found
    summary = run(places, tmp_path / "cache.csv", fast(fake.url, mode="batch"), schema, region)
    assert (summary.failed, summary.not_found, summary.found + summary.low_confidence) == (5, 1, 0)
    assert all("réponse inattendue du service" in r.reason for r in summary.reviews if r.reason.startswith("échec"))
    cache = read_cache(tmp_path / "cache.csv")[0]
    assert [e.status for e in cache.values()] == ["not-found"]


def test_a_result_outside_the_region_is_kept_for_review_never_found(tmp_path, schema, region):
    toulouse = Address("1 place du Capitole", "31000", "Toulouse", 43.6045, 1.4440, 0.98, "31555")
    places = tmp_path / "places.csv"
    places.write_text("\n".join([header(schema), row(schema, id="capitole", adresse=toulouse.adresse,
                                                     code_postal="31000", commune="Toulouse")]) + "\n")
    with FakeGeocoder([toulouse]) as fake:
        summary = run(places, tmp_path / "cache.csv", fast(fake.url, bounds=region.bounds), schema, region)
    assert (summary.found, summary.low_confidence) == (0, 1)
    (review,) = summary.reviews
    assert review.reason == "faible confiance, non appliqué : hors de la région (43.6045, 1.444)"
    assert read_cache(tmp_path / "cache.csv")[0]["1 place du capitole 31000 toulouse"].status == "low-confidence"


def test_the_geocode_task_checks_results_against_the_region_of_the_settings(tmp_path, schema):
    toulouse = Address("1 place du Capitole", "31000", "Toulouse", 43.6045, 1.4440, 0.98, "31555")
    places = tmp_path / "places.csv"
    places.write_text("\n".join([header(schema), row(schema, id="capitole", adresse=toulouse.adresse,
                                                     code_postal="31000", commune="Toulouse")]) + "\n")
    with FakeGeocoder([toulouse]) as fake:
        done = invoke("geocode", "--places", str(places), "--cache", str(tmp_path / "c.csv"),
                      "--geocoder-url", fake.url, "--review", str(tmp_path / "review.csv"))
    assert done.returncode == 0, done.stderr
    assert f"{places}:2: capitole: faible confiance, non appliqué : hors de la région" in done.stderr
    assert done.stdout.strip().startswith("géocodage : 0 trouvé(s), 1 de faible confiance")


def test_a_server_that_never_answers_costs_one_deadline_not_every_retry(fake, places, tmp_path, schema, region):
    cache, seen = tmp_path / "cache.csv", []

    def hang_after_two(entry):
        seen.append(entry)
        if len(seen) == 2:
            fake.fail("hang", times=50)

    options = fast(fake.url, mode="single", timeout=5, retries=3, deadline=1.0)
    start = time.monotonic()
    summary = run(places, cache, options, schema, region, on_result=hang_after_two)
    assert time.monotonic() - start < 3  # not 4 addresses × 4 attempts × 5 s
    assert (summary.found + summary.low_confidence, summary.failed) == (2, 4)
    failures = [r.reason for r in summary.reviews if r.reason.startswith("échec")]
    assert len(failures) == 5 and all("délai global dépassé" in reason for reason in failures)
    assert fake.count("/search") == 3  # the addresses after the deadline cost no request
    entries, problems = read_cache(cache)
    assert problems == [] and set(entries) == {e.query for e in seen}


def test_a_malformed_batch_answer_fails_the_chunk_only(fake, places, tmp_path, schema, region):
    fake.fail("malformed", times=4)
    summary = run(places, tmp_path / "cache.csv", fast(fake.url, mode="batch", batch_size=4), schema, region)
    assert summary.failed == 4 and summary.found + summary.low_confidence + summary.not_found == 2


def test_a_refused_connection_is_reported(places, tmp_path, schema, region):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    summary = run(places, tmp_path / "cache.csv", fast(f"http://127.0.0.1:{closed_port}", retries=1), schema, region)
    assert summary.failed == 6 and summary.found == 0


def test_reverse_geocoding_proposes_an_address_without_touching_the_csv(fake, places, tmp_path, schema, region):
    before = places.read_bytes()
    summary = run(places, tmp_path / "cache.csv", fast(fake.url), schema, region, reverse=True)
    proposal = next(r for r in summary.reviews if r.place_id == "sans-adresse")
    assert proposal.label == "157 boulevard Macdonald 75019 Paris" and proposal.line == 9
    assert places.read_bytes() == before


def test_an_interrupted_run_keeps_every_result_it_had(fake, places, tmp_path, schema, region):
    cache = tmp_path / "cache.csv"
    seen = []

    def stop_after_two(entry):
        seen.append(entry)
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(places, cache, fast(fake.url, mode="single"), schema, region, on_result=stop_after_two)
    entries, problems = read_cache(cache)
    assert problems == [] and set(entries) == {e.query for e in seen}


def test_a_killed_run_keeps_every_result_already_written(places, tmp_path):
    cache = tmp_path / "cache.csv"
    with FakeGeocoder(ADDRESSES, latency=0.3) as fake:
        process = subprocess.Popen(
            [sys.executable, "-m", "invoke", "geocode", "--places", str(places), "--cache", str(cache),
             "--geocoder-url", fake.url, "--mode", "single"],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if cache.exists() and cache.read_text().count("\n") >= 3:
                break
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    entries, problems = read_cache(cache)
    assert problems == [] and len(entries) >= 2


def test_the_cache_keeps_earlier_results_untouched(fake, places, tmp_path, schema, region):
    cache = tmp_path / "cache.csv"
    run(places, cache, fast(fake.url), schema, region)
    first = read_cache(cache)[0]
    extra = places.read_text() + row(schema, id="nouveau", nom="Nouveau", adresse="9 rue d'Alexandrie",
                                     code_postal="75002", commune="Paris") + "\n"
    places.write_text(extra)
    run(places, cache, fast(fake.url), schema, region)
    assert read_cache(cache)[0] == first


def invoke(*args):
    return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=ROOT, capture_output=True, text=True)


def test_one_command_geocodes_and_the_rebuilt_site_maps_the_places(fake, places, tmp_path):
    cache = tmp_path / "cache.csv"
    done = invoke("geocode", "--places", str(places), "--cache", str(cache), "--geocoder-url", fake.url,
                  "--review", str(tmp_path / "review.csv"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().startswith("géocodage : 3 trouvé(s), 2 de faible confiance, 1 introuvable(s)")
    assert f"{places}:4: le-plateau: faible confiance" in done.stderr
    assert (tmp_path / "review.csv").read_text(encoding="utf-8").count("\n") == 1 + 3  # header, 3 reviews
    site = build(tmp_path / "out", places, cache=cache)
    mapped = mapped_ids(site)
    assert {"le-cargo", "liberte", "station-f", "station-f-bis", "sans-adresse"} <= mapped
    assert "le-plateau" not in mapped  # low confidence: listed, not mapped
    assert "Non localisé." in (site / "lieux/le-plateau/index.html").read_text(encoding="utf-8")


def test_a_failing_run_exits_non_zero_with_a_one_line_summary(places, tmp_path):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    done = invoke("geocode", "--places", str(places), "--cache", str(tmp_path / "c.csv"),
                  "--geocoder-url", f"http://127.0.0.1:{port}", "--retries", "0")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1].startswith("géocodage : 0 trouvé(s)")
    assert "6 en échec" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_a_hand_edited_bad_cache_row_is_a_clear_error(fake, places, tmp_path):
    cache = tmp_path / "cache.csv"
    cache.write_text("query,status,latitude,longitude,provider,score,label,postcode,citycode,date\n"
                     "a,ok,x,2.3,ban,0.9,l,75001,75101,2026-01-01\n")
    done = invoke("geocode", "--places", str(places), "--cache", str(cache), "--geocoder-url", fake.url)
    assert done.returncode == 1
    assert f"{cache}:2: latitude: coordonnées ou score non numériques" in done.stderr
    assert "Traceback" not in done.stderr


def test_validate_warns_when_coordinates_are_far_from_the_geocoded_address(tmp_path, schema):
    from lieux.core.geocache import CacheEntry

    places = tmp_path / "places.csv"
    places.write_text(header(schema) + "\n" + row(schema, id="loin", adresse="157 boulevard Macdonald",
                                                  code_postal="75019", commune="Paris", latitude="48.85",
                                                  longitude="2.28") + "\n", encoding="utf-8")
    cache = tmp_path / "cache.csv"
    write_cache(cache, [CacheEntry("157 boulevard macdonald 75019 paris", "ok", 48.8986, 2.3797, "ban", 0.97,
                                   "157 Boulevard Macdonald 75019 Paris", "75019", "75119", "2026-11-23")])
    done = invoke("validate", "--places", str(places), "--cache", str(cache))
    assert done.returncode == 0
    assert f"{places}:2: latitude: attention : à 9.1 km du résultat du géocodage" in done.stderr


def test_the_build_calls_no_geocoder_unless_asked(fake, places, tmp_path):
    options = {"provider": "ban", "ban_url": fake.url, "nominatim_url": fake.url, "timeout": 2, "retries": 0}
    build(tmp_path / "a", places, cache=tmp_path / "cache.csv", GEOCODER=options)
    assert fake.requests == [] and not (tmp_path / "cache.csv").exists()
    site = build(tmp_path / "b", places, cache=tmp_path / "cache.csv", GEOCODER=options, GEOCODE_ON_BUILD=True)
    assert fake.requests != []
    assert "le-cargo" in mapped_ids(site)


def test_no_test_can_reach_beyond_loopback():
    import socket

    with socket.socket() as sock, pytest.raises(OSError, match="tests never leave 127.0.0.1"):
        sock.connect(("192.0.2.1", 80))  # TEST-NET-1: never routed, and never tried here


# --- one run at a time on a cache, and nothing lost ------------------------------------

ELSEWHERE = Address("2 rue de Rivoli", "75004", "Paris", 48.8555, 2.3600, 0.93, "75104")


def other_places(tmp_path, schema):
    path = tmp_path / "other.csv"
    path.write_text("\n".join([header(schema), row(schema, id="rivoli", adresse=ELSEWHERE.adresse,
                                                   code_postal="75004", commune="Paris")]) + "\n")
    return path


def test_a_second_run_on_the_same_cache_refuses_at_once_and_nothing_is_lost(places, tmp_path, schema, region):
    cache, other, finished = tmp_path / "cache.csv", other_places(tmp_path, schema), []
    with FakeGeocoder([*ADDRESSES, ELSEWHERE], latency=0.2) as fake:
        first = threading.Thread(target=lambda: finished.append(
            run(places, cache, fast(fake.url, mode="single"), schema, region)))
        first.start()
        while not fake.requests:
            time.sleep(0.01)
        start = time.monotonic()
        with pytest.raises(CacheBusy, match="un autre géocodage utilise déjà ce cache"):
            run(other, cache, fast(fake.url, mode="single"), schema, region)
        assert time.monotonic() - start < 0.5  # refused at once, not after the first run
        first.join()
        second = run(other, cache, fast(fake.url, mode="single"), schema, region)  # the lock is free again
    assert finished[0].found == 3 and second.found == 1
    entries, problems = read_cache(cache)
    assert problems == [] and len(entries) == 7 and "2 rue de rivoli 75004 paris" in entries
    assert not cache.with_name("cache.csv.lock").exists()


def test_a_second_invoke_geocode_on_the_same_cache_says_so_in_one_line(places, tmp_path):
    cache = tmp_path / "cache.csv"
    with FakeGeocoder(ADDRESSES, latency=0.3) as fake:
        args = ["geocode", "--places", str(places), "--cache", str(cache), "--geocoder-url", fake.url,
                "--mode", "single", "--review", str(tmp_path / "review.csv")]
        first = subprocess.Popen([sys.executable, "-m", "invoke", *args], cwd=ROOT, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 30
        while not fake.requests and time.monotonic() < deadline:
            time.sleep(0.02)
        second = invoke(*args)
        out, err = first.communicate(timeout=60)
    assert second.returncode == 1
    assert second.stderr.strip().splitlines() == [
        f"{cache} : un autre géocodage utilise déjà ce cache ; attendez qu'il se termine (verrou {cache}.lock)"]
    assert "Traceback" not in second.stdout + second.stderr
    assert first.returncode == 0, err
    entries, problems = read_cache(cache)
    assert problems == [] and len(entries) == 6


OTHER_ROW = ("9 rue ailleurs 75001 paris,ok,48.860000,2.340000,ban,0.9000,9 Rue Ailleurs 75001 Paris,75001,75101,"
             "2026-01-01\n")


@pytest.mark.parametrize("how", ["append", "replace"])
def test_the_final_rewrite_keeps_what_another_writer_wrote_meanwhile(how, fake, places, tmp_path, schema, region):
    cache = tmp_path / "cache.csv"

    def other_writer(entry):
        if entry.query.startswith("157"):
            if how == "append":  # a hand edit, or any writer that ignores the lock
                with cache.open("a", encoding="utf-8") as handle:
                    handle.write(OTHER_ROW)
            else:  # an editor saving a new file in its place
                entries = read_cache(cache)[0]
                write_cache(cache, [*entries.values(), CacheEntry(
                    "9 rue ailleurs 75001 paris", "ok", 48.86, 2.34, "ban", 0.9, "9 Rue Ailleurs 75001 Paris",
                    "75001", "75101", "2026-01-01")])

    run(places, cache, fast(fake.url, mode="single"), schema, region, on_result=other_writer)
    entries, problems = read_cache(cache)
    assert problems == [] and len(entries) == 7 and entries["9 rue ailleurs 75001 paris"].latitude == 48.86
    assert list(entries) == sorted(entries)


def test_the_final_rewrite_takes_our_result_over_a_duplicate_written_meanwhile(fake, places, tmp_path, schema,
                                                                               region):
    cache = tmp_path / "cache.csv"

    def duplicate(entry):
        if entry.query.startswith("157"):
            with cache.open("a", encoding="utf-8") as handle:
                handle.write(f"{entry.query},not-found,,,ban,,,,,2026-01-01\n")

    run(places, cache, fast(fake.url, mode="single"), schema, region, on_result=duplicate)
    entries, problems = read_cache(cache)
    assert problems == [] and entries["157 boulevard macdonald 75019 paris"].status == "ok"


def test_a_lock_left_by_a_killed_run_does_not_block_the_next(fake, places, tmp_path, schema, region):
    cache = tmp_path / "cache.csv"
    cache.with_name("cache.csv.lock").write_text("")  # the file stays, the lock died with its process
    summary = run(places, cache, fast(fake.url), schema, region)
    assert summary.found == 3 and not cache.with_name("cache.csv.lock").exists()


@pytest.mark.parametrize("option, value, expected", [
    ("--min-score", "abc", "--min-score abc : un nombre supérieur ou égal à 0 est attendu"),
    ("--retries", "x", "--retries x : un nombre supérieur ou égal à 0 est attendu"),
    ("--retries", "-1", "--retries -1 : un nombre supérieur ou égal à 0 est attendu"),
    ("--mode", "bogus", "--mode bogus : une valeur parmi auto, batch, single est attendu"),
    ("--provider", "bogus", "--provider bogus : une valeur parmi ban, nominatim est attendu"),
])
def test_a_wrong_option_is_a_one_line_error_before_any_work(option, value, expected, places, tmp_path):
    cache = tmp_path / "cache.csv"
    done = invoke("geocode", "--places", str(places), "--cache", str(cache), "--geocoder-url", "http://127.0.0.1:9",
                  f"{option}={value}")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [expected]
    assert "Traceback" not in done.stdout + done.stderr
    assert not cache.exists()
