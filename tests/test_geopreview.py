"""The geocoding preview of a change: which places it selects, and the job summary it prints."""

import re
import subprocess
import sys

import pytest
from conftest import ROOT, header, row
from lieux.core.geocache import CacheEntry, read_cache, write_cache
from lieux.tools.diffplaces import previous_version
from lieux.tools.fakegeo import Address, FakeGeocoder
from lieux.tools.geocoder import Options
from lieux.tools.geopreview import Line, changed_rows, preview, to_markdown

ADDRESSES = [
    Address("157 boulevard Macdonald", "75019", "Paris", 48.8986, 2.3797, 0.97, "75119"),
    Address("6 allée des Sablons", "94120", "Fontenay-sous-Bois", 48.8512, 2.4655, 0.45, "94033"),
    Address("1 place du Capitole", "31000", "Toulouse", 43.6045, 1.4440, 0.98, "31555"),
]


def invoke(*args):
    return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=ROOT, capture_output=True, text=True)


def fast(url, **kwargs):
    base = dict(backoff=0.01, ban_delay=0, nominatim_delay=0, timeout=2, today="2026-11-23")
    base.update(kwargs)
    return Options(**base).pointed_at(url)


def csv_of(schema, *rows):
    return ("\n".join([header(schema), *rows]) + "\n").encode()


def git(repo, *args):
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture
def repo(tmp_path, schema):
    """A git repository whose main branch holds two places; the test changes them on a branch."""
    path = tmp_path / "repo"
    (path / "data").mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.email", "test@example.org")
    git(path, "config", "user.name", "Test")
    (path / "data" / "places.csv").write_bytes(csv_of(
        schema,
        row(schema, id="stable", adresse="9 rue d'Alexandrie", code_postal="75002", commune="Paris"),
        row(schema, id="demenage", adresse="1 rue Test", code_postal="75011", commune="Paris"),
    ))
    git(path, "add", ".")
    git(path, "commit", "-qm", "first")
    return path


def test_the_added_and_readdressed_places_are_selected(schema):
    old = csv_of(schema, row(schema, id="a"), row(schema, id="b"), row(schema, id="c"), row(schema, id="d"))
    new = csv_of(
        schema,
        row(schema, id="a"),
        row(schema, id="b", nom="Renommé"),  # not its address: not geocoded again
        row(schema, id="c", adresse="2 rue Test"),  # moved
        row(schema, id="d", commune="PARIS"),  # the same address, written in capitals
        row(schema, id="e", adresse="5 parvis Alan Turing", code_postal="75013"),  # added
    )
    assert [r["id"] for r in changed_rows(old, new)] == ["e", "c"]


def test_the_default_base_is_the_merge_base_with_main(repo, schema):
    git(repo, "checkout", "-qb", "ajout")
    places = repo / "data" / "places.csv"
    places.write_bytes(places.read_bytes() + csv_of(schema, row(schema, id="nouveau")).split(b"\n", 1)[1])
    git(repo, "commit", "-qam", "a place")
    fork_point = git(repo, "rev-parse", "main")
    git(repo, "checkout", "-q", "main")
    git(repo, "commit", "-q", "--allow-empty", "-m", "main moves on")
    git(repo, "checkout", "-q", "ajout")
    base, before = previous_version(places)
    assert base == fork_point
    assert [r["id"] for r in changed_rows(before, places.read_bytes())] == ["nouveau"]


def test_a_file_new_in_the_change_selects_every_place(repo, schema):
    other = repo / "data" / "autres.csv"
    other.write_bytes(csv_of(schema, row(schema, id="x"), row(schema, id="y")))
    base, before = previous_version(other, "HEAD")
    assert before == b"" and [r["id"] for r in changed_rows(before, other.read_bytes())] == ["x", "y"]


def test_the_summary_gives_each_result_with_a_link_to_the_point(repo, schema, region, tmp_path):
    places = repo / "data" / "places.csv"
    places.write_bytes(csv_of(
        schema,
        row(schema, id="stable", adresse="9 rue d'Alexandrie", code_postal="75002", commune="Paris"),
        row(schema, id="demenage", adresse="157 boulevard Macdonald", code_postal="75019", commune="Paris"),
        row(schema, id="plateau", adresse="6 allée des Sablons", code_postal="94120", commune="Fontenay-sous-Bois"),
        row(schema, id="capitole", adresse="1 place du Capitole", code_postal="31000", commune="Toulouse"),
        row(schema, id="inconnu", adresse="1 rue qui n'existe pas", code_postal="75020", commune="Paris"),
        row(schema, id="sans-adresse", adresse="", code_postal="", commune=""),
    ))
    git(repo, "commit", "-qam", "second")
    cache = tmp_path / "cache.csv"
    with FakeGeocoder(ADDRESSES) as fake:
        done = invoke("geocode-preview", "--places", str(places), "--base", "HEAD~1", "--cache", str(cache),
                      "--geocoder-url", fake.url)
        requests = list(fake.requests)
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert text.startswith("### Géocodage des lieux ajoutés ou dont l'adresse change (par rapport à HEAD\\~1)")
    assert "1 trouvé, 2 faible confiance, 1 introuvable, 1 adresse incomplète." in text
    assert ("| demenage | 157 boulevard Macdonald 75019 Paris | trouvé | 157 boulevard Macdonald 75019 Paris | 0.97 "
            "| [voir](https://www.openstreetmap.org/?mlat=48.898600&mlon=2.379700#map=18/48.898600/2.379700) |"
            ) in text
    assert "| plateau | 6 allée des Sablons 94120 Fontenay-sous-Bois | faible confiance : score 0.45 &lt; 0.6 |" in text
    assert "| capitole | 1 place du Capitole 31000 Toulouse | faible confiance : hors de la région (43.6045, 1.444) |" \
        in text
    assert "| inconnu | 1 rue qui n'existe pas 75020 Paris | introuvable | — | — | — |" in text
    assert "| stable |" not in text
    assert len(requests) == 5  # four addresses, the unknown one asked to Nominatim as well
    assert not cache.exists()  # read only


def test_an_address_the_cache_knows_is_not_asked_again_and_the_cache_is_untouched(schema, tmp_path):
    cache = tmp_path / "cache.csv"
    write_cache(cache, [CacheEntry("157 boulevard macdonald 75019 paris", "ok", 48.8986, 2.3797, "ban", 0.97,
                                   "157 Boulevard Macdonald 75019 Paris", "75019", "75119", "2026-11-23")])
    before = cache.read_bytes()
    rows = changed_rows(b"", csv_of(schema, row(schema, id="cargo", adresse="157 Boulevard Macdonald",
                                                code_postal="75019", commune="Paris")))
    with FakeGeocoder(ADDRESSES) as fake:
        lines = preview(rows, fast(fake.url), read_cache(cache)[0])
        assert fake.requests == []
    assert cache.read_bytes() == before
    assert "| trouvé (déjà en cache) |" in to_markdown(lines, "main")


def test_a_service_out_of_reach_is_a_failure_in_the_summary(schema):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    rows = changed_rows(b"", csv_of(schema, row(schema, id="a")))
    text = to_markdown(preview(rows, fast(f"http://127.0.0.1:{port}", retries=0)), "main")
    assert "| a | 1 rue Test 75011 Paris | échec : service indisponible" in text


HOSTILE = "x<!-- | ### `code` **gras** [lien](javascript:alert(1)) <script>alert(1)</script>\n## titre"


def test_every_value_is_escaped_so_no_place_can_rewrite_the_summary(schema):
    entry = CacheEntry("q", "ok", 48.85, 2.35, "ban", 0.9, HOSTILE, "", "", "2026-11-23")
    lines = [Line(HOSTILE, HOSTILE, "trouvé", entry), Line("b", HOSTILE, f"échec : {HOSTILE}")]
    text = to_markdown(lines, "main`<!--")
    assert "<!--" not in text and "<script" not in text
    assert not re.search(r"(?<!\\)`", text.replace("`invoke geocode`", ""))  # no code span opened
    assert not any(line.startswith("#") for line in text.splitlines()[1:])
    table = [line for line in text.splitlines() if line.startswith("|")]
    assert len(table) == 4
    assert all(len(re.findall(r"(?<!\\)\|", line)) == 7 for line in table)  # six cells each, none added
    assert "\\[lien\\](javascript:alert(1))" in text


def test_hostile_values_from_the_file_and_the_service_stay_in_their_cells(repo, schema, tmp_path):
    weird = Address("1 rue | ### `x` <!--", "75011", "Paris", 48.85, 2.35, 0.9)
    places = repo / "data" / "places.csv"
    places.write_bytes(places.read_bytes() + csv_of(schema, row(
        schema, id="<!--pirate", adresse=weird.adresse, code_postal="75011", commune="Paris")).split(b"\n", 1)[1])
    with FakeGeocoder([weird]) as fake:
        done = invoke("geocode-preview", "--places", str(places), "--base", "HEAD", "--cache",
                      str(tmp_path / "cache.csv"), "--geocoder-url", fake.url)
    assert done.returncode == 0, done.stderr
    assert "<!--" not in done.stdout and "###" not in done.stdout.split("\n", 1)[1]
    (line,) = [x for x in done.stdout.splitlines() if x.startswith("| &lt;!--pirate")]
    assert len(re.findall(r"(?<!\\)\|", line)) == 7 and "| trouvé |" in line


def test_an_unknown_reference_is_a_one_line_error(repo):
    done = invoke("geocode-preview", "--places", str(repo / "data" / "places.csv"), "--base", "no-such-ref")
    assert done.returncode == 1
    assert done.stderr.strip() == "référence git inconnue : no-such-ref"
