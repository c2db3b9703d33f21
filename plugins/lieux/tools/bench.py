"""Benchmarks run by ``invoke bench`` and ``invoke bench-geocode``: synthetic data, medians, no timed test."""

from __future__ import annotations

import gzip
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ..core.config import Config
from ..core.csvfile import read_table
from ..core.region import Region
from ..core.schema import load_schema
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
            id=f"synthetique-{i}", nom=f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} {i}",
            type=rng.choice(schema["type"].allowed), adresse=f"{rng.randint(1, 200)} rue {rng.choice(WORDS)}",
            code_postal=commune.postcodes[0], commune=commune.name,
            latitude=f"{rng.uniform(box.south + 0.2, box.north - 0.2):.5f}",
            longitude=f"{rng.uniform(box.west + 0.3, box.east - 0.3):.5f}",
            description=" ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 14))),
            thematiques="|".join(rng.sample(THEMES, 2)), services="|".join(rng.sample(schema["services"].allowed, 2)),
            source="synthétique", date_maj="2026",
        )
        rows.append(row)
    return schema, rows


def bench_build(config: Config, sizes: list[int], runs: int) -> None:
    """Build synthetic sites of each size; print the medians, then the finder's figures on the same sites."""
    from .benchfind import bench_find, print_table

    results, finder = [], []
    for size in sizes:
        schema, rows = synthetic_places(config, size)
        with tempfile.TemporaryDirectory(prefix=f"bench-{size}-") as tmp:
            places, out = Path(tmp) / "places.csv", Path(tmp) / "output"
            write_rows(places, rows, schema)
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                subprocess.run([sys.executable, "-m", "invoke", "build", "--places", str(places), "--output", str(out)],
                               cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                times.append(time.perf_counter() - start)
            page = (out / "index.html").read_bytes()
            results.append((size, statistics.median(times), len(page), len(gzip.compress(page, 9))))
            finder.append(bench_find(out, runs=5))
    print(f"{'lieux':>8} {'build (s, médiane)':>19} {'s / 1000':>9} {'carte o/lieu':>13} {'gzip o/lieu':>12}")
    for size, seconds, raw, gz in results:
        print(f"{size:>8} {seconds:>19.2f} {seconds / size * 1000:>9.3f} {raw / size:>13.1f} {gz / size:>12.1f}")
    print(f"({runs} constructions par taille, médianes, index de recherche compris ; carte = index.html, données des "
          "lieux comprises)")
    print("Trouver un lieu, dans Chromium headless (médianes de 5 ; 1ers groupes = de la navigation aux premiers "
          "groupes affichés) :")
    print()
    print_table(finder)


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
