"""Step 2 of the pipeline: give each place its coordinates, from the CSV or the geocoding cache.

The cache (``data/geocache.csv``) is filled by ``invoke geocode`` and committed;
the build only reads it, so it stays offline and deterministic. A place keeps
the coordinates written in the CSV; one without them takes the cached result
for its address when that result was accepted (status ``ok``).
"""

from __future__ import annotations

import csv
import io
import logging
import math
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .loader import Problem, Record, Region, display_path

logger = logging.getLogger(__name__)

CACHE_COLUMNS = (
    "query",
    "status",
    "latitude",
    "longitude",
    "provider",
    "score",
    "label",
    "postcode",
    "citycode",
    "date",
)
STATUSES = ("ok", "low-confidence", "not-found")


@dataclass(frozen=True)
class CacheEntry:
    """One geocoded address."""

    query: str
    status: str
    latitude: float | None
    longitude: float | None
    provider: str
    score: float | None
    label: str
    postcode: str
    citycode: str
    date: str
    line: int = 0

    def as_row(self) -> dict[str, str]:
        def num(x: float | None, fmt: str) -> str:
            return "" if x is None else format(x, fmt)

        return {
            "query": self.query,
            "status": self.status,
            "latitude": num(self.latitude, ".6f"),
            "longitude": num(self.longitude, ".6f"),
            "provider": self.provider,
            "score": num(self.score, ".4f"),
            "label": self.label,
            "postcode": self.postcode,
            "citycode": self.citycode,
            "date": self.date,
        }


@dataclass(frozen=True)
class Location:
    """Where a place is, and where that knowledge comes from."""

    latitude: float
    longitude: float
    source: str  # "csv" or "geocache"
    label: str = ""


def address_query(values: Mapping[str, Any]) -> str | None:
    """The normalised geocoding query of a row's address, or ``None`` when incomplete."""
    parts = [str(values.get(name) or "").strip() for name in ("adresse", "code_postal", "commune")]
    if not all(parts):
        return None
    text = unicodedata.normalize("NFC", " ".join(parts))
    return re.sub(r"\s+", " ", text).strip().lower()


def _float(value: str) -> float | None:
    return float(value) if value.strip() else None


def read_cache(path: str | os.PathLike[str]) -> tuple[dict[str, CacheEntry], list[Problem]]:
    """Read the cache. A missing file is an empty cache; a bad row is a located problem."""
    where = display_path(path)
    entries: dict[str, CacheEntry] = {}
    problems: list[Problem] = []
    if not Path(path).exists():
        return entries, problems
    text = Path(path).read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if tuple(reader.fieldnames or ()) != CACHE_COLUMNS:
        problems.append(
            Problem(where, 1, "fichier", f"en-tête inattendu ; attendu : {','.join(CACHE_COLUMNS)}")
        )
        return entries, problems
    for row in reader:
        line = reader.line_num
        if None in row or any(v is None for v in row.values()):
            problems.append(Problem(where, line, "ligne", "nombre de valeurs incorrect"))
            continue
        if row["status"] not in STATUSES:
            problems.append(
                Problem(where, line, "status", f"« {row['status']} » inconnu ; valeurs : {', '.join(STATUSES)}")
            )
            continue
        try:
            entry = CacheEntry(
                query=row["query"],
                status=row["status"],
                latitude=_float(row["latitude"]),
                longitude=_float(row["longitude"]),
                provider=row["provider"],
                score=_float(row["score"]),
                label=row["label"],
                postcode=row["postcode"],
                citycode=row["citycode"],
                date=row["date"],
                line=line,
            )
        except ValueError:
            problems.append(Problem(where, line, "latitude", "coordonnées ou score non numériques"))
            continue
        if entry.status == "ok" and (entry.latitude is None or entry.longitude is None):
            problems.append(Problem(where, line, "latitude", "résultat « ok » sans coordonnées"))
            continue
        entries[entry.query] = entry
    return entries, problems


def write_cache(path: str | os.PathLike[str], entries: Iterable[CacheEntry]) -> None:
    """Write the cache atomically (temporary file, then rename), sorted by query."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CACHE_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for entry in sorted(entries, key=lambda e: e.query):
            writer.writerow(entry.as_row())
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def locate(
    records: Iterable[Record], cache: Mapping[str, CacheEntry], region: Region | None = None
) -> dict[str, Location]:
    """Coordinates of every place that has some, keyed by place id.

    A cached result outside ``region`` is not applied (and is logged).
    """
    located: dict[str, Location] = {}
    for record in records:
        lat, lon = record["latitude"], record["longitude"]
        if lat is not None and lon is not None:
            located[record["id"]] = Location(lat, lon, "csv")
            continue
        query = address_query(record.values)
        entry = cache.get(query) if query else None
        if entry and entry.status == "ok" and entry.latitude is not None and entry.longitude is not None:
            if region and not region.contains(entry.latitude, entry.longitude):
                logger.warning(
                    "%s: résultat du cache hors de la région pour « %s », non appliqué",
                    record["id"], query,
                )
                continue
            located[record["id"]] = Location(entry.latitude, entry.longitude, "geocache", entry.label)
    return located


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (latitude, longitude) points, in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def far_from_cache(
    records: Iterable[Record], cache: Mapping[str, CacheEntry], where: str, max_km: float = 2.0
) -> list[Problem]:
    """Warnings for places whose own coordinates lie far from the geocoded point of their address."""
    problems = []
    for record in records:
        lat, lon = record["latitude"], record["longitude"]
        entry = cache.get(address_query(record.values) or "")
        if lat is None or entry is None or entry.latitude is None or entry.longitude is None:
            continue
        km = distance_km((lat, lon), (entry.latitude, entry.longitude))
        if km > max_km:
            problems.append(
                Problem(
                    where,
                    record.line,
                    "latitude",
                    f"à {km:.1f} km du résultat du géocodage de son adresse (« {entry.label} ») : "
                    "vérifiez les coordonnées ou l'adresse",
                    "warning",
                )
            )
    return problems
