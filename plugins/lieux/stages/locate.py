"""Locate: each place's coordinates, from its own columns or from the geocoding cache.

A place keeps the coordinates written in the CSV; one without them takes the cached
result for its address when that result was accepted (status ``ok``) and lies in the
region. Doubtful cache rows and places far from their geocoded address are reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..core.geo import distance_km
from ..core.geocache import CacheEntry, address_query
from ..core.problems import Problem, Record
from ..core.region import Region

FAR_KM = 2.0


@dataclass(frozen=True)
class Location:
    """Where a place is, and where that knowledge comes from."""

    latitude: float
    longitude: float
    source: str  # "csv" or "geocache"
    label: str = ""


def locate(records: Iterable[Record], cache: Mapping[str, CacheEntry], region: Region) -> dict[str, Location]:
    """Coordinates of every place that has some, keyed by place id."""
    located: dict[str, Location] = {}
    for record in records:
        lat, lon = record["latitude"], record["longitude"]
        if lat is not None and lon is not None:
            located[record["id"]] = Location(lat, lon, "csv")
            continue
        entry = cache.get(address_query(record.values) or "")
        if entry and entry.status == "ok" and entry.point and region.contains_point(*entry.point):
            located[record["id"]] = Location(entry.latitude, entry.longitude, "geocache", entry.label)
    return located


def cache_problems(cache: Mapping[str, CacheEntry], region: Region, where: str) -> list[Problem]:
    """Accepted cache rows outside the region: never applied, reported for review."""
    return [
        Problem(where, entry.line, "latitude",
                f"résultat « ok » hors de la région {region.name} ({entry.latitude:g}, {entry.longitude:g}) pour "
                f"« {entry.query} » : il n'est pas appliqué ; passez-le en « low-confidence » ou corrigez-le",
                "warning")
        for entry in cache.values() if entry.status == "ok" and entry.point and not region.contains_point(*entry.point)
    ]


def far_from_cache(records: Iterable[Record], cache: Mapping[str, CacheEntry], where: str,
                   max_km: float = FAR_KM) -> list[Problem]:
    """Warnings for places whose own coordinates lie far from the geocoded point of their address."""
    problems = []
    if not cache:
        return problems
    for record in records:
        lat, lon = record["latitude"], record["longitude"]
        if lat is None:
            continue
        entry = cache.get(address_query(record.values) or "")
        if entry is None or entry.point is None:
            continue
        km = distance_km((lat, lon), entry.point)
        if km > max_km:
            problems.append(Problem(where, record.line, "latitude",
                                    f"à {km:.1f} km du résultat du géocodage de son adresse (« {entry.label} ») : "
                                    "vérifiez les coordonnées ou l'adresse", "warning"))
    return problems
