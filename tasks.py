"""Invoke tasks, in the style of pelican-quickstart's template.

Every task reads the same settings file (``--settings``, default pelicanconf.py) into one
checked configuration, so an option given to one command means the same for all.

    invoke build [--places PATH] [--cache PATH] [--output DIR] [--settings FILE]
    invoke validate [--places PATH] [--cache PATH] [--format human|github] [--settings FILE]
    invoke geocode [--places] [--cache] [--provider] [--geocoder-url] [--min-score] [--reverse] [--mode] ...
    invoke import-cget SOURCE [--region 11] [--out data/places.csv]
    invoke geocode-preview [--base REF] [--places PATH] [--cache PATH] [--geocoder-url URL]
    invoke fix-csv PATH | diff-places [--base REF] | schema-docs [--check]
    invoke serve | clean | publish | bench | bench-geocode
"""

import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from invoke import Executor, Exit, task

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "plugins"))

from lieux.core.config import Config, ConfigError, SettingsFileError, read_settings_file  # noqa: E402

CONFIG = {
    "settings_base": "pelicanconf.py",
    "settings_publish": "publishconf.py",
    "deploy_path": "output",
    "host": "localhost",
    "port": 8000,
}
USAGE_ERROR = 2  # a wrong option or setting, as for any command-line tool
LEAVE_AT_ONCE = frozenset({"build", "publish", "validate"})  # see QuickExit


class QuickExit(Executor):
    """Invoke's executor, but a command whose every task builds or checks the site ends its process as soon as
    they have succeeded: every file is written and closed by then, and Python would first free the site's objects
    one by one (0.25 s at 50,000 places), which the system does at once when the process ends. ``validate``
    returns what it checked, which invoke keeps until then. Any other command, or a failure, ends as invoke ends
    it."""

    def execute(self, *tasks):
        results = super().execute(*tasks)
        if tasks and all(getattr(t, "name", t) in LEAVE_AT_ONCE for t in tasks):
            import logging

            logging.shutdown()
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(0)
        return results


def _settings(settings_file=None, **overrides):
    """The settings of ``settings_file`` with the command's overrides, or a one-line French error."""
    path = settings_file or CONFIG["settings_base"]
    try:
        settings = read_settings_file(path)
    except SettingsFileError as exc:
        raise Exit(str(exc), code=USAGE_ERROR) from None
    settings.update({k: str(Path(v).resolve()) for k, v in overrides.items() if v is not None})
    return path, settings


def _config(settings_file=None, **overrides):
    path, settings = _settings(settings_file, **overrides)
    try:
        return Config.from_settings(settings, where=path)
    except ConfigError as exc:
        raise Exit(str(exc), code=USAGE_ERROR) from None


def _print_problems(problems, style="human"):
    # Annotations go to standard output, where GitHub Actions reads workflow commands.
    stream = sys.stdout if style == "github" else sys.stderr
    for problem in problems:
        print(problem.format(style), file=stream)


def _check(config, duplicates=False, build=False):
    """Run the pipeline's checks (and, to ``build``, render the documents and build the Site); the result, or a
    one-line error when a schema or the territory is missing. ``duplicates`` (``invoke validate``): look for them,
    and at the CSV's form, on the second core meanwhile (``tools/checkahead.py``)."""
    from lieux.core.ahead import Ahead
    from lieux.pipeline import Reference, SetupError, in_order, run

    render = None
    if build:
        from lieux.core.html import render_markdown as render
    try:
        reference = Reference.load(config)
        if not duplicates:
            return run(config, render=render, reference=reference, site=build)
        from lieux.tools.checkahead import checked, file_checks

        path, columns = str(config.places_csv), reference.schema.names
        # Only a plain file is read twice: a named pipe gives its data to one reader, the loader, which then
        # looks at its form itself.
        ahead = Ahead(file_checks, path, columns) if os.path.isfile(path) else None
        with ahead or contextlib.nullcontext():
            result = run(config, render=render, reference=reference, site=build, form=ahead is None)
            form, doubles = checked(result.places, ahead and ahead.result(), path, columns, form=ahead is not None)
    except SetupError as exc:
        raise Exit(str(exc), code=1) from None
    result.problems = in_order([*result.problems, *form]) + doubles
    return result


def _option(value, kind, name, minimum=None, choices=None):
    """An option's value checked before any work: a one-line French error (exit 2) otherwise."""
    if value is None:
        return None
    try:
        typed = kind(value)
    except ValueError:
        typed = None
    if typed is None or (minimum is not None and typed < minimum) or (choices and typed not in choices):
        expected = f"une valeur parmi {', '.join(choices)}" if choices else (
            f"un nombre{'' if minimum is None else f' supérieur ou égal à {minimum}'}")
        raise Exit(f"--{name.replace('_', '-')} {value} : {expected} est attendu", code=USAGE_ERROR)
    return typed


@task(help={"settings": "settings file (default: pelicanconf.py)"})
def clean(c, settings=None):
    """Remove the generated files, and the compiled templates kept between builds (TEMPLATE_CACHE)."""
    if os.path.isdir(CONFIG["deploy_path"]):
        shutil.rmtree(CONFIG["deploy_path"])
        os.makedirs(CONFIG["deploy_path"])
    compiled = _config(settings).template_cache
    if compiled is not None and compiled.is_dir():
        shutil.rmtree(compiled)


@task(help={
    "places": "CSV of places (default: PLACES_CSV)",
    "cache": "geocoding cache (default: GEOCODE_CACHE)",
    "format": "human (PATH:LINE: column: message) or github (annotations for GitHub Actions)",
    "settings": "settings file (default: pelicanconf.py)",
})
def validate(c, places=None, cache=None, format="human", settings=None):  # noqa: A002 - the option's name
    """Check the places, the geocoding cache and every markdown document; exit 1 on errors."""
    style = _option(format, str, "format", choices=("human", "github"))
    config = _config(settings, PLACES_CSV=places, GEOCODE_CACHE=cache)
    from lieux.pipeline import long_lived

    with long_lived():
        result = _check(config, duplicates=True)
    _print_problems(result.problems, style)
    errors = len(result.errors)
    warnings = sum(1 for p in result.problems if p.is_warning)
    notes = len(result.problems) - errors - warnings
    if errors:
        raise Exit(f"{result.places.path} : {errors} erreur(s), {warnings} avertissement(s)", code=1)
    print(f"{result.places.path} : {len(result.places.records)} lieux valides, {len(result.documents)} documents, "
          f"{warnings} avertissement(s), {notes} note(s)")
    return result  # kept by invoke until the process ends (QuickExit): not freed object by object first


def _writable(target):
    """Make ``target``'s parent folder, or exit with a one-line French error when it cannot be written."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise Exit(f"{target} : dossier de sortie impossible à créer ({exc.strerror})", code=1) from None
    if not os.access(target.parent, os.W_OK):
        raise Exit(f"{target.parent} : dossier non modifiable, le site ne peut pas y être construit", code=1)


def _reproducible_today():
    """« Today » for the build (follow-up of projects, coming events): SOURCE_DATE_EPOCH when set,
    else the last commit's date, so that the same commit always gives the same site."""
    if "SOURCE_DATE_EPOCH" not in os.environ:
        done = _git("log", "-1", "--format=%ct")
        if done.returncode == 0 and done.stdout.strip():
            os.environ["SOURCE_DATE_EPOCH"] = done.stdout.decode().strip()


@task(help={
    "places": "CSV of places (default: PLACES_CSV)",
    "cache": "geocoding cache (default: GEOCODE_CACHE)",
    "output": "output folder (default: OUTPUT_PATH, output/)",
    "settings": "settings file (default: pelicanconf.py)",
})
def build(c, places=None, cache=None, output=None, settings=None):
    """Check every input once, build the site beside the output folder, then publish only what changed."""
    _reproducible_today()
    path, values = _settings(settings, PLACES_CSV=places, GEOCODE_CACHE=cache)
    try:
        config = Config.from_settings(values, where=path)
    except ConfigError as exc:
        raise Exit(str(exc), code=USAGE_ERROR) from None
    from lieux.tools import sitebuild

    target = Path(output or values.get("OUTPUT_PATH") or CONFIG["deploy_path"]).resolve()
    overrides = {k: str(Path(v).resolve()) for k, v in (("PLACES_CSV", places), ("GEOCODE_CACHE", cache))
                 if v is not None}
    digest = sitebuild.fingerprint(config, path, overrides, Path(path).resolve().parent / values.get("THEME", "theme"))
    if not config.geocode_on_build and sitebuild.up_to_date(target, digest):
        print(f"{target} : à jour, rien n'a changé depuis la dernière construction")
        return
    from lieux.outputs.mapahead import MapAhead
    from lieux.pipeline import long_lived

    with MapAhead(config.map_tiles, config.node_modules) as ahead:  # Folium and Node start on the idle core
        with long_lived():
            result = _check(config, build=True)
        # As invoke validate prints them; Pelican's log does not again, unless it geocodes and checks them anew.
        _print_problems(result.errors if config.geocode_on_build else result.problems)
        if result.errors:
            raise Exit(f"{config.places_csv} contient des erreurs : site non construit.", code=1)
        _writable(target)
        sitebuild.forget(target)  # until this build is published whole
        # With GEOCODE_ON_BUILD, Pelican geocodes first, then reads the inputs again.
        report = sitebuild.build_site(path, overrides, config, None if config.geocode_on_build else result, target,
                                      ahead)
    sitebuild.record(target, digest, report.files)
    print(f"{target} : {report.line()}")


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
    "settings": "settings file (default: pelicanconf.py)",
})
def geocode(c, places=None, cache=None, provider=None, geocoder_url=None, min_score=None, reverse=False,
            mode="auto", review=None, retries=None, settings=None):
    """Geocode the places that have an address but no coordinates into the cache."""
    provider = _option(provider, str, "provider", choices=("ban", "nominatim"))
    min_score = _option(min_score, float, "min_score", minimum=0)
    retries = _option(retries, int, "retries", minimum=0)
    mode = _option(mode, str, "mode", choices=("auto", "batch", "single"))
    config = _config(settings, PLACES_CSV=places, GEOCODE_CACHE=cache, GEOCODE_REVIEW=review)
    from lieux.core.schema import load_schema
    from lieux.stages.load import load_places
    from lieux.tools.geocoder import CacheBusy, Options, geocode_places, write_review  # network code, loaded here
    from rich.progress import track

    result = load_places(config.places_csv, load_schema(config.places_schema))
    if result.errors:
        _print_problems(result.errors)
        raise Exit(f"{result.path} contient des erreurs : corrigez-les avant de géocoder.", code=1)
    options = Options.from_config(config.geocoder, provider=provider, min_score=min_score, mode=mode, retries=retries,
                                  bounds=config.region.bounds)
    if geocoder_url:
        options.pointed_at(geocoder_url)

    def progress(items, total):
        return track(items, total=total, description="Géocodage", console=None, transient=True)

    try:
        summary = geocode_places(result.records, config.geocode_cache, options, reverse=reverse, progress=progress)
    except KeyboardInterrupt:
        raise Exit(f"géocodage interrompu : les résultats déjà obtenus sont dans {config.geocode_cache}",
                   code=130) from None
    except CacheBusy as exc:  # another run holds the cache
        raise Exit(str(exc), code=1) from None
    except ValueError as exc:  # a hand-edited cache with a bad row
        raise Exit(str(exc), code=1) from None
    for warning in summary.warnings:
        print(warning, file=sys.stderr)
    for item in summary.reviews:
        print(f"{result.path}:{item.line}: {item.place_id}: {item.reason}"
              + (f" (« {item.label} »)" if item.label else ""), file=sys.stderr)
    if summary.reviews:
        write_review(config.geocode_review, summary.reviews)
        print(f"{len(summary.reviews)} résultat(s) à vérifier dans {config.geocode_review}", file=sys.stderr)
    if summary.failed:
        raise Exit(summary.line(), code=1)
    print(summary.line())


@task(name="fix-csv", help={"path": "the CSV file to rewrite, e.g. data/places.csv",
                            "settings": "settings file (default: pelicanconf.py)"})
def fix_csv(c, path, settings=None):
    """Rewrite the CSV in its canonical form (UTF-8, commas, LF, schema order) without changing any value."""
    from lieux.core.csvfile import atomic_write
    from lieux.core.schema import load_schema
    from lieux.tools.fixcsv import NotFixable, fix_text

    path = Path(path)
    schema = load_schema(_config(settings).places_schema)
    try:
        fixed, reasons = fix_text(path.read_bytes(), schema.names)
    except OSError as exc:
        raise Exit(f"{path} : lecture impossible : {exc.strerror}", code=1) from None
    except NotFixable as exc:
        raise Exit(f"{path} : impossible de le réécrire automatiquement : {exc}", code=1) from None
    if not reasons:
        print(f"{path} est déjà sous sa forme canonique")
        return
    atomic_write(path, fixed)
    print(f"{path} réécrit : " + " ; ".join(reasons) + ". Aucune valeur n'a changé (vérifié valeur par valeur).")


def _git(*args, cwd=ROOT):
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True)


@task(name="diff-places", help={
    "base": "git reference to compare with (default: the merge base with main)",
    "places": "file to compare (default: PLACES_CSV, in the working tree)",
    "settings": "settings file (default: pelicanconf.py)",
})
def diff_places_task(c, base=None, places=None, settings=None):
    """Print, as Markdown, the places added, removed and modified since BASE."""
    from lieux.tools.diffplaces import GitError, diff_places, previous_version, to_markdown

    path = Path(places or _config(settings).places_csv).resolve()
    try:
        base, before = previous_version(path, base)
    except GitError as exc:
        raise Exit(str(exc), code=1) from None
    print(to_markdown(diff_places(before, path.read_bytes()), base), end="")


@task
def publish(c):
    """Build the production site (publishconf.py)."""
    build(c, settings=CONFIG["settings_publish"])


@task
def serve(c):
    """Serve output/ on http://localhost:8000."""
    from pelican.server import ComplexHTTPRequestHandler, RootedHTTPServer

    class AddressReuseTCPServer(RootedHTTPServer):
        allow_reuse_address = True

    server = AddressReuseTCPServer(CONFIG["deploy_path"], (CONFIG["host"], CONFIG["port"]), ComplexHTTPRequestHandler)
    sys.stderr.write("Serving at http://{host}:{port} ...\n".format(**CONFIG))
    server.serve_forever()


@task(name="import-cget", help={
    "source": "the CGET / ANCT Mission Coworking CSV",
    "region": "INSEE code of the region to keep (default 11, Île-de-France)",
    "out": "file to write (default PLACES_CSV); its hand-added rows are kept",
    "settings": "settings file (default: pelicanconf.py)",
})
def import_cget(c, source, region="11", out=None, settings=None):
    """Import the CGET / ANCT tiers-lieux dataset and print what changed and why."""
    from lieux.core.schema import load_schema
    from lieux.tools.cget import import_cget as run_import
    from lieux.tools.cget import write_rows

    config = _config(settings, PLACES_CSV=out)
    schema = load_schema(config.places_schema)
    result = run_import(source, schema, region=region, existing=config.places_csv)
    write_rows(config.places_csv, result.rows, schema)
    print(result.report(source, os.path.relpath(config.places_csv)))


@task(name="schema-docs", help={"check": "only check that CONTRIBUTING.md is up to date",
                                "settings": "settings file (default: pelicanconf.py)"})
def schema_docs(c, check=False, settings=None):
    """Regenerate the reference tables of CONTRIBUTING.md from the two schemas."""
    from lieux.pipeline import Reference
    from lieux.tools.schemadoc import render_into

    reference = Reference.load(_config(settings))
    path = ROOT / "CONTRIBUTING.md"
    text = path.read_text(encoding="utf-8")
    fresh = render_into(text, reference.schema, reference.documents)
    if fresh == text:
        print("CONTRIBUTING.md est à jour")
    elif check:
        raise Exit("CONTRIBUTING.md n'est plus à jour : lancez invoke schema-docs", code=1)
    else:
        path.write_text(fresh, encoding="utf-8")
        print("CONTRIBUTING.md mis à jour")


@task(help={"sizes": "comma-separated numbers of places (200000 for the stress case)", "runs": "builds per size",
            "browser": "also measure the map and the help page in Chromium (default: yes)",
            "previous": "a checkout of the previous release: measure it and keep its figures for the ratios",
            "commit": "the previous release's commit, recorded with its figures"})
def bench(c, sizes="1000,10000,50000", runs=3, browser=True, previous=None, commit=""):
    """Build synthetic sites and print every figure beside its goal, this machine's floor and the previous release."""
    from lieux.tools.bench import bench_build, bench_matching, record_previous

    sizes = [int(s) for s in sizes.split(",")]
    if previous:
        record_previous(Path(previous).resolve(), sizes, int(runs), commit)
        return
    bench_build(_config(), sizes, int(runs), browser=browser)
    if max(sizes) > 50_000:
        return
    found = bench_matching(runs=int(runs))
    print(f"\nQui peut aider : {found['projects']} projets, {found['places']} lieux, {found['codes']} codes "
          f"en {found['seconds']:.2f} s (médiane de {runs} ; objectif : 5 s au plus)")
    if browser:
        import tempfile

        from lieux.tools.benchhelp import bench_help, build_synthetic

        with tempfile.TemporaryDirectory(prefix="bench-aide-") as tmp:
            timing = bench_help(build_synthetic(10_000, Path(tmp)), runs=5)
        print(f"Trouver de l'aide, 10 000 lieux : {timing}")


@task(name="bench-geocode", help={
    "count": "number of distinct addresses (default 1000)",
    "latency": "seconds the fake service waits before each answer (default 0.02)",
    "runs": "runs per mode; the median is printed (default 3)",
})
def bench_geocode(c, count=1000, latency=0.02, runs=3):
    """Geocode COUNT addresses against the local fake service: batch upload versus one by one."""
    from lieux.tools.bench import bench_geocoding

    bench_geocoding(int(count), float(latency), int(runs))




@task(name="geocode-preview", help={
    "base": "git reference to compare with (default: the merge base with main)",
    "places": "file to compare (default: PLACES_CSV, in the working tree)",
    "cache": "geocoding cache, only read (default: GEOCODE_CACHE)",
    "geocoder_url": "send every request to this server instead (e.g. http://127.0.0.1:8080)",
    "settings": "settings file (default: pelicanconf.py)",
})
def geocode_preview(c, base=None, places=None, cache=None, geocoder_url=None, settings=None):
    """Print, as Markdown, how the places added or re-addressed since BASE geocode; nothing is written."""
    config = _config(settings, PLACES_CSV=places, GEOCODE_CACHE=cache)
    from lieux.core.geocache import read_cache
    from lieux.tools.diffplaces import GitError, previous_version
    from lieux.tools.geocoder import Options  # network code, loaded here
    from lieux.tools.geopreview import changed_rows, preview, to_markdown

    path = Path(config.places_csv).resolve()
    try:
        base, before = previous_version(path, base)
        after = path.read_bytes()
    except GitError as exc:
        raise Exit(str(exc), code=1) from None
    except OSError as exc:
        raise Exit(f"{path} : lecture impossible : {exc.strerror}", code=1) from None
    known, problems = read_cache(config.geocode_cache)
    _print_problems(problems)
    options = Options.from_config(config.geocoder, bounds=config.region.bounds)
    if geocoder_url:
        options.pointed_at(geocoder_url)
    print(to_markdown(preview(changed_rows(before, after), options, known), base), end="")
