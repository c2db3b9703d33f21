"""Invoke tasks, in the style of pelican-quickstart's template.

    invoke build [--places PATH] [--cache PATH] [--output DIR] [--settings FILE]
    invoke serve            serve output/ on http://localhost:8000
    invoke validate [--places PATH] [--cache PATH] [--format human|github]
    invoke import-cget SOURCE [--region 11] [--out data/places.csv]
    invoke geocode [--places] [--cache] [--provider] [--geocoder-url] [--min-score] [--reverse] ...
    invoke fix-csv PATH | diff-places [--base REF] | schema-docs [--check]
    invoke clean | publish | bench | bench-geocode
"""

import gzip
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from invoke import Exit, task
from pelican import main as pelican_main
from pelican.server import ComplexHTTPRequestHandler, RootedHTTPServer
from pelican.settings import DEFAULT_CONFIG, get_settings_from_file

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "plugins"))

from lieux import settings as places_settings  # noqa: E402
from lieux.canonical import NotFixable, fix_text  # noqa: E402
from lieux.cget import import_cget as run_import  # noqa: E402
from lieux.cget import write_rows  # noqa: E402
from lieux.diffplaces import diff_places, to_markdown  # noqa: E402
from lieux.duplicates import find_duplicates  # noqa: E402
from lieux.geocache import far_from_cache, read_cache  # noqa: E402
from lieux.loader import Region, load_places  # noqa: E402
from lieux.schema import load_schema  # noqa: E402
from lieux.schemadoc import render_into  # noqa: E402

SETTINGS_FILE_BASE = "pelicanconf.py"
SETTINGS = {}
SETTINGS.update(DEFAULT_CONFIG)
LOCAL_SETTINGS = get_settings_from_file(SETTINGS_FILE_BASE)
SETTINGS.update(LOCAL_SETTINGS)

CONFIG = {
    "settings_base": SETTINGS_FILE_BASE,
    "settings_publish": "publishconf.py",
    "deploy_path": SETTINGS["OUTPUT_PATH"],
    "host": "localhost",
    "port": 8000,
}


def pelican_run(args):
    """Run Pelican in this process with a list of command-line arguments."""
    pelican_main(args)


def _setting(name, settings=None):
    return places_settings.get(settings or SETTINGS, name)


def _load(places, settings=None):
    schema = load_schema(_setting("PLACES_SCHEMA", settings))
    region = Region.from_setting(_setting("REGION", settings))
    return load_places(places, schema, region)


def _validate(places, settings=None, cache=None, style="human"):
    """Print every problem of ``places`` (and of the geocoding cache); return the result."""
    result = _load(places, settings)
    entries, cache_problems = read_cache(cache or _setting("GEOCODE_CACHE", settings))
    result.problems += cache_problems + far_from_cache(result.records, entries, result.path)
    result.problems += find_duplicates(result.records, result.path)
    # Annotations go to standard output, where GitHub Actions reads workflow commands.
    stream = sys.stdout if style == "github" else sys.stderr
    for problem in result.problems:
        print(problem.format(style), file=stream)
    return result


@task
def clean(c):
    """Remove the generated files."""
    if os.path.isdir(CONFIG["deploy_path"]):
        shutil.rmtree(CONFIG["deploy_path"])
        os.makedirs(CONFIG["deploy_path"])


@task(help={
    "places": "CSV of places (default: PLACES_CSV)",
    "cache": "geocoding cache (default: GEOCODE_CACHE)",
    "format": "human (PATH:LINE: column: message) or github (annotations for GitHub Actions)",
})
def validate(c, places=None, cache=None, format="human"):  # noqa: A002 - the option's name
    """Check data/places.csv (or PLACES) against the schema; exit 1 on errors."""
    places = places or _setting("PLACES_CSV")
    result = _validate(places, cache=cache, style=format)
    errors, warnings = len(result.errors), len(result.warnings)
    if errors:
        raise Exit(f"{result.path} : {errors} erreur(s), {warnings} avertissement(s)", code=1)
    print(f"{result.path} : {len(result.records)} lieux valides, {warnings} avertissement(s)")


@task(help={
    "places": "CSV of places (default: PLACES_CSV)",
    "cache": "geocoding cache (default: GEOCODE_CACHE)",
    "output": "output folder (default: output/)",
    "settings": "settings file (default: pelicanconf.py)",
})
def build(c, places=None, cache=None, output=None, settings=None):
    """Validate the places, then build the site."""
    settings_file = settings or CONFIG["settings_base"]
    file_settings = dict(DEFAULT_CONFIG, **get_settings_from_file(settings_file))
    places = places or _setting("PLACES_CSV", file_settings)
    # Errors stop here, before Pelican starts; the build itself logs the warnings.
    errors = _load(places, file_settings).errors
    for problem in errors:
        print(problem, file=sys.stderr)
    if errors:
        raise Exit(f"{places} contient des erreurs : site non construit.", code=1)
    args = ["-s", settings_file]
    if output:
        args += ["-o", output]
    extra = {"PLACES_CSV": str(Path(places).resolve())}
    if cache:
        extra["GEOCODE_CACHE"] = str(Path(cache).resolve())
    for key, value in extra.items():
        args += ["-e", f"{key}={json.dumps(value)}"]
    pelican_run(args)


@task(help={
    "places": "CSV of places (default: PLACES_CSV)",
    "cache": "geocoding cache to fill (default: GEOCODE_CACHE)",
    "provider": "ban (BAN, then Nominatim as fallback) or nominatim",
    "geocoder_url": "send every request to this server instead (e.g. http://127.0.0.1:8080)",
    "min_score": "results below this score are kept for review, not applied (default 0.6)",
    "reverse": "also propose addresses for places that only have coordinates",
    "mode": "auto (batch upload from 20 addresses), batch or single",
    "review": "file listing the results to review (default geocode-review.csv)",
    "retries": "retries of a failing request, with backoff (default 3)",
})
def geocode(c, places=None, cache=None, provider=None, geocoder_url=None, min_score=None, reverse=False,
            mode="auto", review=None, retries=None):
    """Geocode the places that have an address but no coordinates into the cache."""
    from lieux.geocoder import Options, geocode_places, write_review  # network code, loaded when needed
    from rich.progress import track

    places = places or _setting("PLACES_CSV")
    cache = cache or _setting("GEOCODE_CACHE")
    review = review or _setting("GEOCODE_REVIEW")
    result = _load(places)
    if result.errors:
        for problem in result.errors:
            print(problem, file=sys.stderr)
        raise Exit(f"{result.path} contient des erreurs : corrigez-les avant de géocoder.", code=1)
    options = Options.from_setting(
        _setting("GEOCODER"), provider=provider, min_score=min_score, mode=mode,
        retries=None if retries is None else int(retries),
    )
    if geocoder_url:
        options.pointed_at(geocoder_url)

    def progress(items, total):
        return track(items, total=total, description="Géocodage", console=None, transient=True)

    try:
        summary = geocode_places(result.records, cache, options, reverse=reverse, progress=progress)
    except KeyboardInterrupt:
        raise Exit(f"géocodage interrompu : les résultats déjà obtenus sont dans {cache}", code=130) from None
    except ValueError as exc:  # a hand-edited cache with a bad row
        raise Exit(str(exc), code=1) from None
    for item in summary.reviews:
        print(f"{result.path}:{item.line}: {item.place_id}: {item.reason}"
              + (f" (« {item.label} »)" if item.label else ""), file=sys.stderr)
    if summary.reviews:
        write_review(review, summary.reviews)
        print(f"{len(summary.reviews)} résultat(s) à vérifier dans {review}", file=sys.stderr)
    if summary.failed:
        raise Exit(summary.line(), code=1)
    print(summary.line())


@task(name="fix-csv", help={"path": "the CSV file to rewrite, e.g. data/places.csv"})
def fix_csv(c, path):
    """Rewrite the CSV in its canonical form (UTF-8, commas, LF, schema order) without changing values."""
    path = Path(path)
    schema = load_schema(_setting("PLACES_SCHEMA"))
    try:
        fixed, reasons = fix_text(path.read_bytes(), schema.names)
    except NotFixable as exc:
        raise Exit(f"{path} : impossible de le réécrire automatiquement : {exc}", code=1) from None
    if not reasons:
        print(f"{path} est déjà sous sa forme canonique")
        return
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(fixed, encoding="utf-8", newline="")
    os.replace(tmp, path)
    print(f"{path} réécrit : " + " ; ".join(reasons) + ". Aucune valeur n'a changé.")


def _git(*args, cwd=ROOT):
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True)


@task(name="diff-places", help={
    "base": "git reference to compare with (default: the merge base with main)",
    "places": "file to compare (default: data/places.csv, in the working tree)",
})
def diff_places_task(c, base=None, places=None):
    """Print, as Markdown, the places added, removed and modified since BASE."""
    path = Path(places or _setting("PLACES_CSV")).resolve()
    top = _git("rev-parse", "--show-toplevel", cwd=path.parent)
    if top.returncode != 0:
        raise Exit(f"{path} n'est pas dans un dépôt git", code=1)
    repo = Path(top.stdout.decode().strip())
    relative = path.relative_to(repo).as_posix()
    if not base:
        for candidate in ("origin/main", "main"):
            found = _git("merge-base", "HEAD", candidate, cwd=repo)
            if found.returncode == 0:
                base = found.stdout.decode().strip()
                break
        else:
            raise Exit("aucune branche main trouvée : précisez --base", code=1)
    if _git("rev-parse", "--verify", "--quiet", f"{base}^{{commit}}", cwd=repo).returncode != 0:
        raise Exit(f"référence git inconnue : {base}", code=1)
    old = _git("show", f"{base}:{relative}", cwd=repo)
    before = old.stdout if old.returncode == 0 else b""  # the file did not exist yet
    print(to_markdown(diff_places(before, path.read_bytes()), base), end="")


@task
def publish(c):
    """Build the production site (publishconf.py)."""
    build(c, settings=CONFIG["settings_publish"])


@task
def serve(c):
    """Serve output/ on http://localhost:8000."""

    class AddressReuseTCPServer(RootedHTTPServer):
        allow_reuse_address = True

    server = AddressReuseTCPServer(
        CONFIG["deploy_path"], (CONFIG["host"], CONFIG["port"]), ComplexHTTPRequestHandler
    )
    sys.stderr.write("Serving at http://{host}:{port} ...\n".format(**CONFIG))
    server.serve_forever()


@task(name="import-cget", help={
    "source": "the CGET / ANCT Mission Coworking CSV",
    "region": "INSEE code of the region to keep (default 11, Île-de-France)",
    "out": "file to write (default data/places.csv); its hand-added rows are kept",
})
def import_cget(c, source, region="11", out=None):
    """Import the CGET / ANCT tiers-lieux dataset and print what changed and why."""
    out = out or _setting("PLACES_CSV")
    schema = load_schema(_setting("PLACES_SCHEMA"))
    result = run_import(source, schema, region=region, existing=out)
    write_rows(out, result.rows, schema)
    print(result.report(source, os.path.relpath(out)))


# --- benchmark -----------------------------------------------------------------

WORDS = (
    "atelier fabrique numérique campus lab studio maison cité usine hub ruche halle "
    "ferme école réseau passerelle comptoir espace friche village plateforme"
).split()
THEMES = "numérique|économie sociale|industries créatives|santé|mobilité|alimentation|énergie".split("|")


def synthetic_places(count, seed=11):
    """``count`` plausible rows: the real places first, then generated ones."""
    schema = load_schema(_setting("PLACES_SCHEMA"))
    region = Region.from_setting(_setting("REGION"))
    real = load_places(_setting("PLACES_CSV"), schema, region).records
    rows = [r.raw for r in real][:count]
    rng = random.Random(seed)
    types = schema["type"].allowed
    services = schema["services"].allowed
    deps = sorted(region.departements)
    (south, west), (north, east) = region.bounds
    for i in range(count - len(rows)):
        name = f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} {i}"
        dep = rng.choice(deps)
        row = {n: "" for n in schema.names}
        row.update(
            id=f"synthetique-{i}",
            nom=name,
            type=rng.choice(types),
            adresse=f"{rng.randint(1, 200)} rue {rng.choice(WORDS)}",
            code_postal=f"{dep}{rng.randint(0, 999):03d}",
            commune=f"Commune {rng.randint(1, 400)}",
            latitude=f"{rng.uniform(south + 0.2, north - 0.2):.5f}",
            longitude=f"{rng.uniform(west + 0.3, east - 0.3):.5f}",
            description=" ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 14))),
            thematiques="|".join(rng.sample(THEMES, 2)),
            services="|".join(rng.sample(services, 2)),
            source="synthétique",
            date_maj="2026",
        )
        rows.append(row)
    return schema, rows


def _first_clusters_seconds(site, runs):
    """Median seconds from navigation to the first cluster drawn, in headless Chromium (or None)."""
    import functools
    import http.server
    import threading

    chromium = os.environ.get("CHROMIUM") or "/usr/lib/chromium/chromium"
    if not Path(chromium).exists():
        return None
    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    times = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"])
            for _ in range(int(runs)):
                page = browser.new_page()
                page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
                start = time.perf_counter()
                page.goto(f"http://127.0.0.1:{server.server_address[1]}/", wait_until="commit")
                page.wait_for_selector(".marker-cluster", timeout=120_000)
                times.append(time.perf_counter() - start)
                page.close()
            browser.close()
    finally:
        server.shutdown()
    return statistics.median(times)


@task(help={"sizes": "comma-separated numbers of places", "runs": "builds per size"})
def bench(c, sizes="1000,10000,50000", runs=3):
    """Build synthetic sites; print build time, map payload per place and time to the first clusters."""
    results = []
    for size in (int(s) for s in sizes.split(",")):
        schema, rows = synthetic_places(size)
        with tempfile.TemporaryDirectory(prefix=f"bench-{size}-") as tmp:
            places = Path(tmp) / "places.csv"
            write_rows(places, rows, schema)
            times = []
            for _ in range(int(runs)):
                out = Path(tmp) / "output"
                shutil.rmtree(out, ignore_errors=True)
                start = time.perf_counter()
                subprocess.run(
                    [sys.executable, "-m", "invoke", "build", "--places", str(places), "--output", str(out)],
                    cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                )
                times.append(time.perf_counter() - start)
            page = (out / "index.html").read_bytes()
            shown = _first_clusters_seconds(out, runs)
            results.append((size, statistics.median(times), len(page), len(gzip.compress(page, 9)), shown))
    print(f"{'lieux':>8} {'build (s, médiane)':>19} {'s / 1000':>9} {'carte o/lieu':>13} {'gzip o/lieu':>12}"
          f" {'1ers groupes (s)':>17}")
    for size, seconds, raw, gz, shown in results:
        shown = "—" if shown is None else f"{shown:.2f}"
        print(f"{size:>8} {seconds:>19.2f} {seconds / size * 1000:>9.3f} {raw / size:>13.1f} {gz / size:>12.1f}"
              f" {shown:>17}")
    print(f"({runs} mesures par taille, médianes ; carte = index.html, données des lieux comprises ;"
          " 1ers groupes = de la navigation aux premiers groupes affichés dans Chromium headless)")



@task(name="schema-docs", help={"check": "only check that CONTRIBUTING.md is up to date"})
def schema_docs(c, check=False):
    """Regenerate the column reference of CONTRIBUTING.md from data/places.schema.json."""
    path = ROOT / "CONTRIBUTING.md"
    text = path.read_text(encoding="utf-8")
    fresh = render_into(text, load_schema(_setting("PLACES_SCHEMA")))
    if fresh == text:
        print("CONTRIBUTING.md est à jour")
    elif check:
        raise Exit("CONTRIBUTING.md n'est plus à jour : lancez invoke schema-docs", code=1)
    else:
        path.write_text(fresh, encoding="utf-8")
        print("CONTRIBUTING.md mis à jour")


@task(name="bench-geocode", help={
    "count": "number of distinct addresses (default 1000)",
    "latency": "seconds the fake service waits before each answer (default 0.02)",
    "runs": "runs per mode; the median is printed (default 3)",
})
def bench_geocode(c, count=1000, latency=0.02, runs=3):
    """Geocode COUNT addresses against the local fake service: batch upload versus one by one."""
    sys.path.insert(0, str(ROOT / "tests"))
    from fakegeo import Address, FakeGeocoder
    from lieux.geocoder import Options, geocode_places
    from lieux.loader import Record

    count, latency = int(count), float(latency)
    addresses = [Address(f"{i + 1} rue du Banc d'Essai", f"750{i % 20 + 1:02d}", "Paris",
                         48.82 + (i % 100) * 0.0008, 2.28 + (i // 100) * 0.01) for i in range(count)]
    records = [Record(i + 2, {"id": f"lieu-{i}", "adresse": a.adresse, "code_postal": a.code_postal,
                              "commune": a.commune, "latitude": None, "longitude": None})
               for i, a in enumerate(addresses)]
    print(f"{count} adresses, latence injectée {latency * 1000:.0f} ms par réponse, BAN limitée à 50 requêtes/s")
    print(f"{'mode':>10} {'requêtes':>9} {'secondes (médiane)':>19} {'trouvées':>9}")
    for mode in ("batch", "single"):
        times = []
        for _ in range(int(runs)):
            with FakeGeocoder(addresses, latency=latency) as fake, tempfile.TemporaryDirectory() as tmp:
                options = Options(mode=mode, today="2026-01-01").pointed_at(fake.url)
                start = time.perf_counter()
                summary = geocode_places(records, Path(tmp) / "cache.csv", options)
                times.append(time.perf_counter() - start)
        print(f"{mode:>10} {len(fake.requests):>9} {statistics.median(times):>19.2f} {summary.found:>9}")
