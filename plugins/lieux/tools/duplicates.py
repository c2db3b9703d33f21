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
# A run of letters and digits that is not a stop word: the words of a name in one pass.
_STOPS = "|".join(sorted(STOP_WORDS, key=len, reverse=True))
WORD = re.compile(rf"(?<![a-z0-9])(?!(?:{_STOPS})(?![a-z0-9]))[a-z0-9]+")
CELL_DEGREES = 0.001  # a grid cell is about 110 m tall: neighbours within 50 m share or touch one
ROW = 1 << 20  # a cell's key is row × ROW + column: a column index (|longitude| / CELL_DEGREES) stays below 2¹⁸
# The cells after a cell: with the cell itself, each pair of neighbouring cells is looked at once.
FORWARD = (1, ROW - 1, ROW, ROW + 1)


def name_key(name: str) -> str:
    """« Le Café-Numérique ! » → « cafe numerique »: case, accents, punctuation and articles ignored."""
    return " ".join(WORD.findall(name.lower() if name.isascii() else fold(name)))  # fold() of ASCII: lower case


Row = tuple[int, str, float | None, float | None]  # a place as compared here: line, name, latitude, longitude


def find_duplicates(records: Iterable[Record], where: str, max_meters: float = 50.0) -> list[Problem]:
    """Warnings on the later line of each pair of ``records`` that looks like the same place: the same name, or
    points at most ``max_meters`` apart."""
    rows = [(r.line, r.values["nom"], r.values["latitude"], r.values["longitude"]) for r in records]
    return duplicate_problems(rows, where, max_meters)


def duplicate_problems(rows: Iterable[Row], where: str, max_meters: float = 50.0) -> list[Problem]:
    """``find_duplicates`` of plain rows: the same name, or points found near in a grid of cells (each pair of
    neighbouring cells looked at once)."""
    problems = []
    first_by_name: dict[str, Row] = {}
    grid: defaultdict[int, list[Row]] = defaultdict(list)
    for row in rows:
        line, name, lat, lon = row
        key = name_key(name)
        if key and key in first_by_name:
            other = first_by_name[key]
            problems.append(
                Problem(where, line, "nom", f"doublon possible de la ligne {other[0]} (« {other[1]} ») : même nom",
                        "warning")
            )
        first_by_name.setdefault(key, row)
        if lat is not None and lon is not None:
            grid[math.floor(lat / CELL_DEGREES) * ROW + math.floor(lon / CELL_DEGREES)].append(row)
    get = grid.get
    for cell, here in grid.items():
        if len(here) > 1:
            for k, row in enumerate(here):
                problems += _near(row, here[k + 1:], where, max_meters)
        for offset in FORWARD:
            others = get(cell + offset)
            if others:
                for row in here:
                    problems += _near(row, others, where, max_meters)
    return sorted(problems)


def _near(row: Row, others: list[Row], where: str, max_meters: float) -> list[Problem]:
    """A warning on the later line of each pair of ``row`` and one of ``others`` at most ``max_meters`` apart,
    naming the earlier line."""
    found = []
    for other in others:
        later, earlier = (row, other) if row[0] > other[0] else (other, row)
        meters = distance_km(later[2:], earlier[2:]) * 1000
        if meters <= max_meters:
            found.append(Problem(where, later[0], "latitude",
                                 f"doublon possible de la ligne {earlier[0]} (« {earlier[1]} ») : à {meters:.0f} m",
                                 "warning"))
    return found
