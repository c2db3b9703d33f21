"""Group: the directory's groupings — by type then département — and the counts per
département and per service that the filters and the legend show."""

from __future__ import annotations

from collections import Counter, defaultdict

from ..core.region import Region
from ..core.schema import Schema
from .site import UNKNOWN_DEPARTEMENT, Place, Site, TypeGroup


def _by_departement(places: list[Place], region: Region) -> list[tuple[str, str, list[Place]]]:
    grouped: dict[str, list[Place]] = defaultdict(list)
    for p in places:
        grouped[p.departement].append(p)
    codes = [code for code in region.departements if grouped.get(code)] + (["" ] if grouped.get("") else [])
    return [(code, region.departements.get(code, UNKNOWN_DEPARTEMENT), grouped[code]) for code in codes]


def group(site: Site, schema: Schema, region: Region) -> None:
    """Fill ``site.types``, ``site.departements`` and ``site.services``."""
    by_type: dict[str, list[Place]] = defaultdict(list)
    for p in site.places:
        by_type[p.type].append(p)
    site.types = [TypeGroup(c.value, c.label, c.plural, c.color, by_type[c.value],
                            _by_departement(by_type[c.value], region)) for c in schema["type"].categories]
    counts = Counter(p.departement for p in site.places)
    site.departements = [(code, name, counts[code]) for code, name in region.departements.items()]
    if counts[""]:
        site.departements.append(("", UNKNOWN_DEPARTEMENT, counts[""]))
    services = Counter(s for p in site.places for s in p.services)
    site.services = [(c.value, c.label, services[c.value]) for c in schema["services"].categories]
