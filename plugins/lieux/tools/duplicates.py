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

WORD = re.compile(r"[a-z0-9]+")
STOP_WORDS = frozenset("le la les l de du des d et a au aux the".split())
CELL_DEGREES = 0.001  # a grid cell is about 110 m tall: neighbours within 50 m share or touch one
ROW = 1 << 20  # a cell's key is row × ROW + column: a column index (|longitude| / CELL_DEGREES) stays below 2¹⁸
NEIGHBOURS = tuple(dy * ROW + dx for dy in (-1, 0, 1) for dx in (-1, 0, 1))


def name_key(name: str) -> str:
    """« Le Café-Numérique ! » → « cafe numerique »: case, accents, punctuation and articles ignored."""
    words = WORD.findall(name.lower() if name.isascii() else fold(name))  # fold() of ASCII is its lower case
    return " ".join(w for w in words if w not in STOP_WORDS)


def find_duplicates(records: Iterable[Record], where: str, max_meters: float = 50.0) -> list[Problem]:
    """Warnings on the later line of each pair that looks like the same place."""
    problems = []
    first_by_name: dict[str, Record] = {}
    grid: defaultdict[int, list[Record]] = defaultdict(list)
    for record in records:
        values = record.values
        key = name_key(values["nom"])
        if key and key in first_by_name:
            other = first_by_name[key]
            problems.append(
                Problem(where, record.line, "nom",
                        f"doublon possible de la ligne {other.line} (« {other['nom']} ») : même nom", "warning")
            )
        first_by_name.setdefault(key, record)
        lat, lon = values["latitude"], values["longitude"]
        if lat is None or lon is None:
            continue
        cell = math.floor(lat / CELL_DEGREES) * ROW + math.floor(lon / CELL_DEGREES)
        for offset in NEIGHBOURS:
            for other in grid.get(cell + offset, ()):
                meters = distance_km((lat, lon), (other["latitude"], other["longitude"])) * 1000
                if meters <= max_meters:
                    problems.append(
                        Problem(where, record.line, "latitude",
                                f"doublon possible de la ligne {other.line} (« {other['nom']} ») : "
                                f"à {meters:.0f} m", "warning")
                    )
        grid[cell].append(record)
    return sorted(problems)
