"""Match: who can help each project — the places and partners that offer what it needs — and why.

A reader can follow the ranking: first the needs covered, each weighing more when few
offer it (an inverse document frequency: ``1 + ln(N / n)``, N helpers in all, n offering
that code); then the distance to the project's places, or its département; then the name.
Each suggestion carries its reason: « propose : prototypage, mentorat · à 3,2 km du Cargo ».
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..core.geo import distance_km

Point = tuple[float, float]
NBSP = "\u00a0"  # French typography: before « : », inside « », between a number and its unit


@dataclass(frozen=True)
class Helper:
    """A place or a partner, as the matcher sees it: what it offers and where it is."""

    key: str
    name: str
    codes: frozenset[str]
    points: tuple[Point, ...] = ()
    departements: frozenset[str] = frozenset()
    target: Any = None  # the Place or Partner itself


@dataclass(frozen=True)
class Seeker:
    """A project, as the matcher sees it: what it needs and where it lives."""

    key: str
    codes: tuple[str, ...]
    points: tuple[tuple[Point, str], ...] = ()  # (point, name of the project's place)
    departements: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Suggestion:
    helper: Helper
    covered: tuple[str, ...]  # the project's needs this helper offers, in the project's order
    score: float
    distance: float | None = None  # km to the nearest of the project's places
    near: str = ""  # that place's name
    same_departement: bool = False

    def reason(self, labels: Mapping[str, str]) -> str:
        """« propose : prototypage, mentorat · à 3,2 km du Cargo » (labels in lower case)."""
        text = f"propose{NBSP}: " + ", ".join(labels.get(c, c).lower() for c in self.covered)
        if self.distance is not None:
            text += f" ·{NBSP}à{NBSP}{format_km(self.distance)} de «{NBSP}{self.near}{NBSP}»"
        elif self.same_departement:
            text += f" ·{NBSP}dans le même département"
        return text


def format_km(km: float) -> str:
    """« 850 m », « 3,2 km », « 27 km », in French (a non-breaking space before the unit)."""
    if km < 1:
        return f"{round(km * 1000, -1):.0f}{NBSP}m"
    return f"{km:.1f}{NBSP}km".replace(".", ",") if km < 10 else f"{km:.0f}{NBSP}km"


@dataclass
class Index:
    """Helpers by code, and each code's weight."""

    helpers: Sequence[Helper]
    by_code: dict[str, list[int]] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)

    @classmethod
    def build(cls, helpers: Sequence[Helper]) -> Index:
        by_code: dict[str, list[int]] = defaultdict(list)
        for i, helper in enumerate(helpers):
            for code in helper.codes:
                by_code[code].append(i)
        total = max(len(helpers), 1)
        weights = {code: 1 + math.log(total / len(members)) for code, members in by_code.items()}
        return cls(helpers, dict(by_code), weights)


def _nearest(seeker: Seeker, helper: Helper) -> tuple[float, str] | None:
    """The distance from ``helper`` to the nearest of the project's places, and that place's name."""
    best: tuple[float, str] | None = None
    for here in helper.points:
        for point, name in seeker.points:
            km = distance_km(here, point)
            if best is None or km < best[0]:
                best = (km, name)
    return best


def _key(seeker: Seeker, helper: Helper) -> tuple:
    """How equal scores are ordered: nearer first (unknown last), same département first, then name."""
    near = _nearest(seeker, helper)
    return (near is None, near[0] if near else 0.0, not (seeker.departements & helper.departements),
            helper.name, helper.key)


def _suggestion(seeker: Seeker, helper: Helper, score: float) -> Suggestion:
    near = _nearest(seeker, helper)
    return Suggestion(helper, tuple(c for c in seeker.codes if c in helper.codes), score,
                      near[0] if near else None, near[1] if near else "",
                      bool(seeker.departements & helper.departements))


def rank(seeker: Seeker, index: Index, limit: int = 10) -> list[Suggestion]:
    """The best ``limit`` helpers of one project, best first."""
    needs = list(dict.fromkeys(seeker.codes))
    covered: dict[int, int] = defaultdict(int)  # helper → bit mask of the needs it covers
    for bit, code in enumerate(needs):
        for i in index.by_code.get(code, ()):
            covered[i] |= 1 << bit
    score_of: dict[int, float] = {}
    tiers: dict[float, list[int]] = defaultdict(list)  # helpers by score (several sets of needs may tie)
    for i, mask in covered.items():
        if mask not in score_of:
            score_of[mask] = round(sum(index.weights.get(c, 0.0) for bit, c in enumerate(needs) if mask >> bit & 1), 9)
        tiers[score_of[mask]].append(i)
    chosen: list[Suggestion] = []
    for score in sorted(tiers, reverse=True):  # distances only for the tiers that can make the list
        helpers = [index.helpers[i] for i in tiers[score]]
        best = heapq.nsmallest(limit - len(chosen), helpers, key=lambda h: _key(seeker, h))
        chosen += [_suggestion(seeker, h, score) for h in best]
        if len(chosen) >= limit:
            break
    return chosen


def match_all(seekers: Iterable[Seeker], helpers: Sequence[Helper], limit: int = 10) -> dict[str, list[Suggestion]]:
    """``{project key: suggestions}`` for every project that needs something."""
    index = Index.build(helpers)
    return {s.key: rank(s, index, limit) for s in seekers if s.codes}


def wanted_by(seekers: Iterable[Seeker], helper: Helper) -> list[tuple[str, tuple[str, ...]]]:
    """The projects looking for what ``helper`` offers: ``(project key, codes it offers them)``."""
    found = [(s.key, tuple(c for c in s.codes if c in helper.codes)) for s in seekers]
    return sorted(((key, codes) for key, codes in found if codes), key=lambda x: (-len(x[1]), x[0]))


# --- the site's places, partners and projects, matched ----------------------------------------------


def apply(site: Any, labels: Mapping[str, str], limit: int = 10) -> None:
    """Fill ``project.helpers`` and the places' and partners' ``wanted_by`` (objects of stages.site)."""
    from .site import Help, Wanted

    helpers = site.helpers = helpers_of(site)
    seekers = {p.slug: _seeker(p) for p in site.projects}
    projects = {p.slug: p for p in site.projects}
    for key, suggestions in match_all(seekers.values(), helpers, limit).items():
        projects[key].helpers = [Help(s.helper.target, "lieu" if s.helper.key.startswith("lieu:") else "partenaire",
                                      s.reason(labels)) for s in suggestions]
    wanted: dict[frozenset[str], list[Any]] = {}  # helpers offering the same codes are wanted by the same projects
    for helper in helpers:
        if helper.codes not in wanted:
            wanted[helper.codes] = [Wanted(projects[key], tuple(labels.get(c, c) for c in codes))
                                    for key, codes in wanted_by(seekers.values(), helper)]
        helper.target.wanted_by = list(wanted[helper.codes])


def helpers_of(site: Any) -> list[Helper]:
    """The open places offering services, then the partners offering something."""
    helpers = [_place_helper(p) for p in site.places if not p.is_closed and p.services]
    return helpers + [_partner_helper(p) for p in site.partners if p.offers]


def _point(place: Any) -> tuple[Point, ...]:
    return ((place.location.latitude, place.location.longitude),) if place.location else ()


_SETS: dict[Any, frozenset[str]] = {}


def _shared(items: Any) -> frozenset[str]:
    """One frozenset per distinct set of codes or départements, shared by every helper that has it."""
    key = items if isinstance(items, tuple) else (items,)
    found = _SETS.get(key)
    if found is None:
        found = _SETS[key] = frozenset(key) - {""}
    return found


def _place_helper(place: Any) -> Helper:
    return Helper(f"lieu:{place.id}", place.nom, _shared(tuple(place.services)), _point(place),
                  _shared(place.departement), place)


def _partner_helper(partner: Any) -> Helper:
    points = tuple(pt for p in partner.places for pt in _point(p))
    departements = frozenset(p.departement for p in partner.places) - {""}
    return Helper(f"partenaire:{partner.slug}", partner.title, frozenset(partner.offers), points, departements, partner)


def _seeker(project: Any) -> Seeker:
    points = tuple((pt, p.nom) for p in project.places for pt in _point(p))
    return Seeker(project.slug, tuple(project.needs), points, frozenset(p.departement for p in project.places) - {""})
