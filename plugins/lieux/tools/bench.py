"""Benchmarks run by ``invoke bench`` and ``invoke bench-geocode``: synthetic data, medians, no timed test."""

from __future__ import annotations

import json
import os
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..core.config import Config
from ..core.csvfile import read_table
from ..core.region import Region
from ..core.schema import load_schema
from ..core.text import slugify
from .cget import write_rows

WORDS = ("atelier fabrique numérique campus lab studio maison cité usine hub ruche halle ferme école réseau "
         "passerelle comptoir espace friche village plateforme").split()
THEMES = "numérique|économie sociale|industries créatives|santé|mobilité|alimentation|énergie".split("|")
ROOT = Path(__file__).resolve().parents[3]


def synthetic_places(config: Config, count: int, seed: int = 11) -> tuple[Any, list[dict[str, str]]]:
    """``count`` plausible rows: the real places first, then generated ones in real communes."""
    schema, region = load_schema(config.places_schema), Region.load(config.region, config.node_modules)
    table = read_table(config.places_csv.read_text(encoding="utf-8"))
    rows = [dict(zip(table.header, cells, strict=True)) for _, cells in table.rows][:count]
    rng = random.Random(seed)
    communes = [c for c in region.territory.communes if c.postcodes]
    box = region.bounds
    for i in range(count - len(rows)):
        commune = rng.choice(communes)
        row = {n: "" for n in schema.names}
        row.update(
            nom=f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} {i}",
            type=rng.choice(schema["type"].allowed), adresse=f"{rng.randint(1, 200)} rue {rng.choice(WORDS)}",
            code_postal=commune.postcodes[0], commune=commune.name,
            latitude=f"{rng.uniform(box.south + 0.2, box.north - 0.2):.5f}",
            longitude=f"{rng.uniform(box.west + 0.3, box.east - 0.3):.5f}",
            description=" ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 14))),
            thematiques="|".join(rng.sample(THEMES, 2)), services="|".join(rng.sample(schema["services"].allowed, 2)),
            source="synthétique", date_maj="2026",
        )
        row["id"] = slugify(row["nom"])  # as the importer (tools/cget.py) and contributors make ids
        rows.append(row)
    return schema, rows


PREVIOUS = Path(__file__).with_name("bench_previous.json")


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def measure_size(root: Path, config: Config, size: int, runs: int, browser: bool, work: Path) -> dict[str, Any]:
    """Every figure of one synthetic site of ``size`` places, built from ``root`` in a new folder under ``work``,
    with this machine's floors."""
    from . import benchfloor, benchsite

    schema, rows = synthetic_places(config, size)
    tmp = tempfile.mkdtemp(prefix=f"bench-{size}-", dir=work)
    places = Path(tmp) / "places.csv"
    write_rows(places, rows, schema)
    raw = benchsite.measure(root, places, Path(tmp), runs)
    floor = benchfloor.floors(places, rows, benchsite.startup(root), Path(tmp))
    mapped = raw["map_bytes"]
    figures = {
        "places": size, "build_s": _median(raw["build_s"]), "build_mib": max(raw["build_kib"]) / 1024,
        "write_s": _median(raw["write_s"]), "rebuild_s": _median(raw["rebuild_s"]),
        "rebuilt_files": raw["rebuilt_files"], "files": raw["files"],
        "one_row_files": raw["one_row"][1], "validate_s": _median(raw["validate_s"]),
        "largest_html_bytes": raw["largest_html"][0], "largest_html": raw["largest_html"][1],
        "map_raw_per_place": mapped[0], "map_gzip_per_place": mapped[1], "floors": floor,
    }
    if browser:
        from .benchdirectory import bench_directory
        from .benchfind import bench_find

        figures["find"] = bench_find(raw["site"], runs=5)
        figures["directory"] = bench_directory(raw["site"], runs=5)
    return figures


def bench_build(config: Config, sizes: list[int], runs: int, browser: bool = True) -> list[dict[str, Any]]:
    """Measure synthetic sites of each size and print every figure beside its goal, floor and previous value."""
    previous = load_previous()
    results = []
    with bench_folder() as work:
        for size in sizes:
            figures = measure_size(ROOT, config, size, runs, browser and size <= 50_000, work)
            results.append(figures)
            print_size(figures, previous.get("sizes", {}).get(str(size), {}), runs)
    return results


@contextmanager
def bench_folder() -> Iterator[Path]:
    """Where every site of a benchmark is built, removed only at its end: removing tens of thousands of files
    makes the next ones slower to create for a while on some file systems (ext4 mounted with ``discard``, as
    here), which would be timed as the next builds'."""
    with tempfile.TemporaryDirectory(prefix="bench-") as work:
        yield Path(work)


def load_previous(path: Path = PREVIOUS) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def record_previous(root: Path, sizes: list[int], runs: int, commit: str, path: Path = PREVIOUS) -> None:
    """Measure the release checked out at ``root`` with this benchmark and keep its figures in ``path``."""
    config = Config.from_settings({})
    with bench_folder() as work:
        found = {str(size): _plain(measure_size(root, config, size, runs if size <= 10_000 else 1, False, work))
                 for size in sizes}
    path.write_text(json.dumps({"commit": commit, "measured": time.strftime("%Y-%m-%d"),
                                "load": os.getloadavg()[0], "runs": runs, "sizes": found},
                               ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _plain(figures: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in figures.items() if k not in ("one_row_files", "find", "directory")} | {
        "one_row_rewritten": len(figures["one_row_files"])}


def _goal_build(size: int) -> float | None:
    return {10_000: 2.0, 50_000: 10.0, 200_000: 90.0}.get(size)


def rows_of(f: dict[str, Any]) -> list[tuple[str, float | None, str, str, str, float | None]]:
    """(label, value, shown value, goal, floor, previous key): the lines of one size's table."""
    size, floor = f["places"], f["floors"]
    build_floor = floor["startup_s"] + size * (floor["page_us"] + floor["parse_us"]) / 1e6
    find, directory = f.get("find") or {}, f.get("directory") or {}
    clusters_goal = {10_000: "≤ 0,25", 50_000: "≤ 0,4"}.get(size, "")
    one_row = f["one_row_files"]
    return [
        ("construction (s)", f["build_s"], f"{f['build_s']:.2f}", f"≤ {_goal_build(size):g}" if _goal_build(size)
         else "", f"{build_floor:.2f}", "build_s"),
        ("  écrire ses fichiers, rien d'autre (s)", f.get("write_s"), _fmt(f.get("write_s"), ".2f"), "",
         "disque, à l'instant", ""),
        ("mémoire maximale (Mio)", f["build_mib"], f"{f['build_mib']:.0f}",
         {50_000: "< 300", 200_000: "< 1 536"}.get(size, ""), "", "build_mib"),
        ("reconstruction, rien de changé (s)", f["rebuild_s"], f"{f['rebuild_s']:.2f}",
         f"≤ {floor['startup_s'] + 1:.2f}" if size == 10_000 else "", f"{floor['startup_s']:.2f} (démarrage)",
         "rebuild_s"),
        ("  fichiers réécrits", f["rebuilt_files"], f"{f['rebuilt_files']} sur {f['files']}", "0", "0",
         "rebuilt_files"),
        ("une ligne changée : fichiers réécrits", len(one_row), f"{len(one_row)} ({', '.join(one_row)})",
         "ceux qui en dépendent", "", "one_row_rewritten"),
        ("invoke validate (s)", f["validate_s"], f"{f['validate_s']:.2f}",
         {50_000: "< 1", 200_000: "< 90"}.get(size, ""),
         f"{floor['startup_s'] + size * floor['parse_us'] / 1e6:.2f}", "validate_s"),
        ("carte : données gz (o/lieu)", f["map_gzip_per_place"], f"{f['map_gzip_per_place']:.1f}", "≤ 15",
         f"{floor['names_gzip']:.1f} (noms et communes seuls)", "map_gzip_per_place"),
        ("plus grande page HTML (Mo)", f["largest_html_bytes"] / 1e6,
         f"{f['largest_html_bytes'] / 1e6:.2f} ({f['largest_html']})", "≤ 1" if size >= 50_000 else "", "",
         "largest_html_bytes"),
        ("1ers groupes de la carte (s)", find.get("first_clusters_s"), _fmt(find.get("first_clusters_s"), ".2f"),
         clusters_goal, "", ""),
        ("carte : requête / pire touche (ms)", find.get("query_ms"),
         f"{_fmt(find.get('query_ms'), '.0f')} / {_fmt(find.get('query_worst_ms'), '.0f')}", "", "", ""),
        ("carte : facette / retour (ms)", find.get("facet_ms"),
         f"{_fmt(find.get('facet_ms'), '.0f')} / {_fmt(find.get('untick_ms'), '.0f')}", "", "", ""),
        ("annuaire : pire touche (ms)", directory.get("keystroke_ms"), _fmt(directory.get("keystroke_ms"), ".0f"),
         "≤ 50" if size >= 50_000 else "", "", ""),
        ("annuaire : facette (ms)", directory.get("facet_ms"), _fmt(directory.get("facet_ms"), ".0f"),
         "≤ 50" if size >= 50_000 else "", "", ""),
    ]


def _fmt(value: float | None, form: str) -> str:
    return "non mesuré" if value is None else format(value, form)


def print_size(f: dict[str, Any], previous: dict[str, Any], runs: int) -> None:
    print(f"\n{f['places']:,} lieux".replace(",", "\u202f") + f" (médianes de {runs} ; planchers mesurés à l'instant)")
    print(f"{'mesure':<40} {'valeur':>24} {'objectif':>22} {'plancher':>26} {'précédente':>11} {'×':>6}")
    for label, value, shown, goal, floor, key in rows_of(f):
        before = previous.get(key)
        if key == "largest_html_bytes" and before is not None:
            before = before / 1e6
        ratio = f"{value / before:.2f}" if value is not None and before else ""
        shown_before = "" if before is None else f"{before:.2f}" if isinstance(before, float) else str(before)
        print(f"{label:<40} {shown:>24} {goal:>22} {floor:>26} {shown_before:>11} {ratio:>6}")


def bench_geocoding(count: int, latency: float, runs: int) -> None:
    """Geocode ``count`` addresses against the local fake service: batch upload versus one by one."""
    from ..core.problems import Record
    from .fakegeo import Address, FakeGeocoder
    from .geocoder import Options, geocode_places

    addresses = [Address(f"{i + 1} rue du Banc d'Essai", f"750{i % 20 + 1:02d}", "Paris",
                         48.82 + (i % 100) * 0.0008, 2.28 + (i // 100) * 0.01) for i in range(count)]
    records = [Record(i + 2, {"id": f"lieu-{i}", "adresse": a.adresse, "code_postal": a.code_postal,
                              "commune": a.commune, "latitude": None, "longitude": None})
               for i, a in enumerate(addresses)]
    print(f"{count} adresses, latence injectée {latency * 1000:.0f} ms par réponse, BAN limitée à 50 requêtes/s")
    print(f"{'mode':>10} {'requêtes':>9} {'secondes (médiane)':>19} {'trouvées':>9}")
    for mode in ("batch", "single"):
        times = []
        for _ in range(runs):
            with FakeGeocoder(addresses, latency=latency) as fake, tempfile.TemporaryDirectory() as tmp:
                options = Options(mode=mode, today="2026-01-01").pointed_at(fake.url)
                start = time.perf_counter()
                summary = geocode_places(records, Path(tmp) / "cache.csv", options)
                times.append(time.perf_counter() - start)
        print(f"{mode:>10} {len(fake.requests):>9} {statistics.median(times):>19.2f} {summary.found:>9}")


def bench_matching(places: int = 50_000, projects: int = 500, codes: int = 60, runs: int = 3,
                   seed: int = 7) -> dict[str, float]:
    """Median seconds to rank who can help ``projects`` projects among ``places`` places offering ``codes`` codes."""
    from ..stages.match import Helper, Seeker, match_all

    rng = random.Random(seed)
    vocabulary = [f"code-{i}" for i in range(codes)]
    helpers = [Helper(f"lieu:{i}", f"Lieu {i}", frozenset(rng.sample(vocabulary, rng.randint(1, 4))),
                      ((rng.uniform(48.4, 49.0), rng.uniform(1.9, 2.9)),), frozenset({f"{rng.randint(75, 95)}"}))
               for i in range(places)]
    seekers = [Seeker(f"projet-{i}", tuple(rng.sample(vocabulary, rng.randint(1, 4))),
                      tuple(((rng.uniform(48.4, 49.0), rng.uniform(1.9, 2.9)), f"Lieu du projet {i}")
                            for _ in range(rng.randint(0, 2))))
               for i in range(projects)]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        match_all(seekers, helpers, limit=8)
        times.append(time.perf_counter() - start)
    return {"places": places, "projects": projects, "codes": codes, "seconds": statistics.median(times)}
