"""Possible duplicates: the same name once normalised, or two points less than 50 m apart.

Reported as warnings, with both lines: two places of one chain may share a name,
and two organisations may share a building.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable

from ..core.geo import distance_km
from ..core.problems import Problem, Record
from ..core.text import fold

STOP_WORDS = frozenset("le la les l de du des d et a au aux the".split())
CELL_DEGREES = 0.001  # a grid cell is about 110 m tall: neighbours within 50 m share or touch one


def name_key(name: str) -> str:
    """« Le Café-Numérique ! » → « cafe numerique »: case, accents, punctuation and articles ignored."""
    words = re.findall(r"[a-z0-9]+", fold(name))
    return " ".join(w for w in words if w not in STOP_WORDS)


def find_duplicates(records: Iterable[Record], where: str, max_meters: float = 50.0) -> list[Problem]:
    """Warnings on the later line of each pair that looks like the same place."""
    problems = []
    first_by_name: dict[str, Record] = {}
    grid: dict[tuple[int, int], list[Record]] = defaultdict(list)
    for record in records:
        key = name_key(record["nom"])
        if key and key in first_by_name:
            other = first_by_name[key]
            problems.append(
                Problem(where, record.line, "nom",
                        f"doublon possible de la ligne {other.line} (« {other['nom']} ») : même nom", "warning")
            )
        first_by_name.setdefault(key, record)
        lat, lon = record["latitude"], record["longitude"]
        if lat is None or lon is None:
            continue
        cell = (math.floor(lat / CELL_DEGREES), math.floor(lon / CELL_DEGREES))
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                for other in grid.get((cell[0] + dy, cell[1] + dx), ()):
                    meters = distance_km((lat, lon), (other["latitude"], other["longitude"])) * 1000
                    if meters <= max_meters:
                        problems.append(
                            Problem(where, record.line, "latitude",
                                    f"doublon possible de la ligne {other.line} (« {other['nom']} ») : "
                                    f"à {meters:.0f} m", "warning")
                        )
        grid[cell].append(record)
    return sorted(problems)
