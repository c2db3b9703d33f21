"""The geocoding cache file ``data/geocache.csv``: its format, reader and writer.

``invoke geocode`` fills it and it is committed; the build only reads it, so it stays
offline and deterministic. One row per normalised address query.
"""

from __future__ import annotations

import math
import os
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .csvfile import atomic_write, csv_text, read_table
from .problems import Problem, display_path, quoted
from .text import fold

CACHE_COLUMNS = ("query", "status", "latitude", "longitude", "provider", "score", "label", "postcode",
                 "citycode", "date")
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

    @property
    def point(self) -> tuple[float, float] | None:
        if self.latitude is None or self.longitude is None:
            return None
        return (self.latitude, self.longitude)

    def as_row(self) -> list[str]:
        def num(x: float | None, fmt: str) -> str:
            return "" if x is None else format(x, fmt)

        return [self.query, self.status, num(self.latitude, ".6f"), num(self.longitude, ".6f"), self.provider,
                num(self.score, ".4f"), self.label, self.postcode, self.citycode, self.date]


def address_query(values: Mapping[str, Any]) -> str | None:
    """The normalised geocoding query of a row's address, or ``None`` when incomplete."""
    parts = [str(values.get(name) or "").strip() for name in ("adresse", "code_postal", "commune")]
    if not all(parts):
        return None
    return fold(" ".join(parts))


def _number(value: str) -> float | None:
    if not value.strip():
        return None
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def _entry(cells: list[str], line: int) -> CacheEntry:
    values = dict(zip(CACHE_COLUMNS, cells, strict=True))
    return CacheEntry(
        query=values["query"], status=values["status"], latitude=_number(values["latitude"]),
        longitude=_number(values["longitude"]), provider=values["provider"], score=_number(values["score"]),
        label=values["label"], postcode=values["postcode"], citycode=values["citycode"], date=values["date"],
        line=line,
    )


def read_cache(path: str | os.PathLike[str]) -> tuple[dict[str, CacheEntry], list[Problem]]:
    """Read the cache. A missing file is an empty cache; anything wrong is a located problem, never raised."""
    return _read(path)


def _read(path: str | os.PathLike[str], replaced: Collection[str] = ()) -> tuple[dict[str, CacheEntry], list[Problem]]:
    """``read_cache``; a repeated row of a query in ``replaced`` is no problem (it is about to be replaced)."""
    where = display_path(path)
    path = Path(path)
    if not path.exists():
        return {}, []
    try:
        text = path.read_bytes().decode("utf-8")
    except IsADirectoryError:
        return {}, [Problem(where, 0, "fichier", "c'est un dossier, pas le fichier CSV du cache de géocodage")]
    except OSError as exc:
        return {}, [Problem(where, 0, "fichier", f"lecture impossible : {exc.strerror}")]
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        return {}, [Problem(where, line, "fichier", "octets qui ne sont pas de l'UTF-8 : le cache doit être en UTF-8")]
    table = read_table(text)
    if table.header and tuple(table.header) != CACHE_COLUMNS:
        return {}, [Problem(where, 1, "fichier", f"en-tête inattendu ; attendu : {','.join(CACHE_COLUMNS)}")]
    problems = []
    if table.error:
        problems.append(Problem(where, table.error[0], "fichier", f"CSV illisible : {table.error[1]}"))
    entries: dict[str, CacheEntry] = {}
    for line, cells in table.rows:
        if cells and cells[0] in entries and cells[0] in replaced:
            continue
        problem = _check_row(cells, line, where, entries)
        if problem:
            problems.append(problem)
            continue
        entry = _entry(cells, line)
        entries[entry.query] = entry
    return entries, problems


def _check_row(cells: list[str], line: int, where: str, seen: Mapping[str, CacheEntry]) -> Problem | None:
    if len(cells) != len(CACHE_COLUMNS):
        return Problem(where, line, "ligne", f"{len(cells)} valeurs au lieu de {len(CACHE_COLUMNS)}")
    query, status = cells[0], cells[1]
    if status not in STATUSES:
        return Problem(where, line, "status", f"« {quoted(status)} » inconnu ; valeurs : {', '.join(STATUSES)}")
    if query in seen:
        return Problem(where, line, "query", f"« {quoted(query)} » est déjà en cache ligne {seen[query].line}")
    try:
        entry = _entry(cells, line)
    except ValueError:
        return Problem(where, line, "latitude", "coordonnées ou score non numériques ou infinis")
    if entry.point is not None and not (-90 <= entry.latitude <= 90 and -180 <= entry.longitude <= 180):
        return Problem(where, line, "latitude", f"coordonnées impossibles ({entry.latitude:g}, {entry.longitude:g})")
    if entry.status == "ok" and entry.point is None:
        return Problem(where, line, "latitude", "résultat « ok » sans coordonnées")
    return None


def cache_text(entries: Iterable[CacheEntry]) -> str:
    """The cache file's text, sorted by query."""
    return csv_text(CACHE_COLUMNS, (e.as_row() for e in sorted(entries, key=lambda e: e.query)))


def write_cache(path: str | os.PathLike[str], entries: Iterable[CacheEntry]) -> None:
    """Write the cache atomically (unique temporary file, then rename), sorted by query."""
    atomic_write(path, cache_text(entries))


def merge_cache(path: str | os.PathLike[str], new: Mapping[str, CacheEntry]) -> list[Problem]:
    """Rewrite the cache sorted: the rows on disk now (another writer's included), ``new`` winning for its queries.

    When the file on disk holds a bad row, it is left as it is (nothing is lost: the
    problems are returned, for the caller to report).
    """
    on_disk, problems = _read(path, replaced=new.keys())
    if problems:
        return problems
    write_cache(path, {**on_disk, **new}.values())
    return []
