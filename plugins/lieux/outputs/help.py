"""The data of « Trouver de l'aide pour mon projet »: who offers what, where, and the words that name it.

The browser ranks with the same rule as the build's matcher (stages/match.py): needs
covered, weighted ``1 + ln(N / n)``, then distance. Columns are named once, here.
"""

from __future__ import annotations

from typing import Any

from ..core.vocabulary import Matcher, match_key
from ..stages.match import Index, helpers_of
from .context import Context
from .jsontext import rows_json

HELP_DATA = "aide/aide.json"
# The columns of each helper's row, in order; the help page's script reads them by these names.
HELPER_FIELDS = ("kind", "name", "url", "codes", "lat", "lon", "dep", "commune")


def help_data(ctx: Context) -> dict[str, Any]:
    site, schema = ctx.site, ctx.reference.schema
    vocabulary = schema["services"].vocabulary
    helpers = site.helpers or helpers_of(site)
    index = Index.build(helpers)
    codes = list(vocabulary.codes)
    position = {code: i for i, code in enumerate(codes)}
    keys: dict[str, list[str]] = {code: [] for code in codes}
    for key, (code, _) in Matcher(vocabulary).keys.items():
        keys[code].append(key)
    rows = (_row(helper, position) for helper in helpers)  # made as they are read
    communes: dict[str, list[float]] = {}
    keys_of: dict[str, str] = {}  # places share communes: each name's key is made once
    for p in site.mapped:
        if p.commune:
            if p.commune not in keys_of:
                keys_of[p.commune] = match_key(p.commune)
            communes.setdefault(keys_of[p.commune], []).append((p.location.latitude, p.location.longitude))
    return {
        "fields": list(HELPER_FIELDS),
        "codes": [{"code": c.value, "label": c.label, "definition": c.definition,
                   "weight": round(index.weights.get(c.value, 0.0), 6), "keys": sorted(keys[c.value])}
                  for c in vocabulary.categories],
        "helpers": rows,
        "communes": {name: [round(sum(x[0] for x in pts) / len(pts), 5), round(sum(x[1] for x in pts) / len(pts), 5)]
                     for name, pts in sorted(communes.items())},
    }


def _row(helper: Any, position: dict[str, int]) -> list[Any]:
    target = helper.target
    is_place = helper.key.startswith("lieu:")
    point = helper.points[0] if helper.points else (None, None)
    return ["lieu" if is_place else "partenaire", helper.name, target.url,
            sorted(position[c] for c in helper.codes if c in position),
            None if point[0] is None else round(point[0], 5), None if point[1] is None else round(point[1], 5),
            target.departement if is_place else "", (target.commune or "") if is_place else ""]


def render(ctx: Context) -> bytes:
    data = help_data(ctx)
    return rows_json(data, "helpers", data.pop("helpers"))


def offers_by_need(ctx: Context) -> list[tuple[Any, list[Any], list[Any]]]:
    """For the page without JavaScript: each code, with the partners and the places offering it."""
    vocabulary = ctx.reference.schema["services"].vocabulary
    places: dict[str, list[Any]] = {c.value: [] for c in vocabulary.categories}
    for place in ctx.site.places:  # once through the places, not once per code
        if not place.is_closed:
            for code in dict.fromkeys(place.services):
                if code in places:
                    places[code].append(place)
    return [(c, [p for p in ctx.site.partners if c.value in p.offers], places[c.value]) for c in vocabulary.categories]
