"""The home page's interactive map, built with Folium, and its data.

Folium writes the Leaflet map (tiles, framing); the places go to a file of their own
(``lieux-carte.json``, fetched by the page as soon as it starts loading), one compact
JSON object of columns named in ``MAP_FIELDS``, which ``theme/static/js/find.js`` turns
into one row per place. Markers, clusters, popups, the legend, the results list and its
facets are created client-side. Only what the map, the list and the facets need is here
(communes and départements as indexes into their tables, services as a bit set); what a
query may hit travels apart, fetched lazily (``find.py``, ``lieux-recherche.json``).

The layout is chosen for its gzipped size (about 14 B a place instead of 21 for rows of
full values, measured by ``invoke bench``): columns, so that gzip meets alike values
together; coordinates to 4 decimals (about 11 m: where a marker stands; a place's page
gives its own position); no id where the browser derives it from the name as the
importer makes ids (``slugify``); no département where it is its commune's.

Every element gets a stable id derived from its role on the page, so two builds of
the same data give byte-identical pages (branca draws ids from os.urandom).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

import folium
from branca.element import Element, MacroElement
from jinja2 import Template
from markupsafe import Markup

from ..core.geo import Bounds
from ..core.text import slugify, sort_key
from ..stages.site import Place
from .context import Context
from .jsontext import dumps

DATA_ELEMENT_ID = "places-data"
FRANCE = Bounds(41.3, -5.2, 51.1, 9.6)
# The columns of the map's data table, in order; places-map.js reads them by these names.
MAP_FIELDS = ("lat", "lon", "type", "id", "nom", "commune", "dep", "arr", "services", "ferme")
COORDINATE_DECIMALS = 4


@dataclass(frozen=True)
class MapParts:
    """What a page template needs to show the map: its container and its script (the data is a file)."""

    html: Markup
    script: Markup


class PlacesLayer(MacroElement):
    """Hands the map to the client-side layer that draws the places."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
    PlacesFind.start({{ this._parent.get_name() }}, {{ this.data_id|tojson }});
{% endmacro %}
"""
    )

    def __init__(self, data_id: str) -> None:
        super().__init__()
        self._name = "PlacesLayer"
        self.data_id = data_id


def json_for_script(data: Any) -> Markup:
    """JSON safe to embed in a ``<script>`` element: no ``</script>``, no HTML comment."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    for char, escape in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return Markup(text)


def _old_letters(name: str) -> bool:
    """Only Latin letters, digits and punctuation: characters whose decomposition no Unicode version changed."""
    return all(ord(char) < 0x250 or 0x2000 <= ord(char) < 0x2070 for char in name)


def sent_id(place: Place) -> str | None:
    """The place's id, or None when the browser derives it from the name: ``slugify``, mirrored by
    ``slug`` in find-core.js on the same ``fold`` (tests/test_find_text.py checks both agree)."""
    return None if _old_letters(place.nom) and slugify(place.nom) == place.id else place.id


def _commune_deps(places: list[Place], communes: dict[str, int], deps: dict[str, int]) -> list[int]:
    """Each commune's département (index): the most frequent among its places, ties to the first met."""
    seen: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for place in places:
        if place.commune:
            seen[place.commune][place.departement] += 1
    table = [-1] * len(communes)
    for name, counts in seen.items():
        table[communes[name]] = deps.get(counts.most_common(1)[0][0], -1)
    return table


def _columns(places: list[Place], index: dict[str, dict[str, int]], commune_deps: list[int]) -> dict[str, list[Any]]:
    columns: dict[str, list[Any]] = {name: [] for name in MAP_FIELDS}
    for place in places:
        services = 0
        for code in place.services:
            services |= 1 << index["services"][code]
        commune = index["communes"].get(place.commune or "", -1)
        dep = index["deps"].get(place.departement, -1)
        point = place.location
        values = (round(point.latitude, COORDINATE_DECIMALS), round(point.longitude, COORDINATE_DECIMALS),
                  index["types"][place.type], sent_id(place), place.nom, commune,
                  None if commune != -1 and commune_deps[commune] == dep else dep,
                  place.arrondissement or 0, services, 1 if place.is_closed else 0)
        for name, value in zip(MAP_FIELDS, values, strict=True):
            columns[name].append(value)
    return columns


def map_data(ctx: Context) -> dict[str, Any]:
    """The map's data: field names, the tables the columns point into, URL pattern and a column per field.

    ``types`` give each type's colour and its numbers of places, on the map and in all;
    ``departements``, ``communes`` and ``services`` are the tables that ``dep``, ``commune``
    (indexes) and ``services`` (bit ``1 << i``) point into; ``communeDeps`` gives each commune's
    département, for the places whose ``dep`` is null; an ``id`` is null where ``slugify``
    of the name gives it; ``unmapped`` counts the places only the directory lists.
    """
    site = ctx.site
    communes = sorted({p.commune for p in site.mapped if p.commune}, key=lambda c: (sort_key(c), c))
    departements = [(code, name) for code, name, count in site.departements if count]
    index = {
        "types": {group.code: i for i, group in enumerate(site.types)},
        "communes": {name: i for i, name in enumerate(communes)},
        "deps": {code: i for i, (code, _) in enumerate(departements)},
        "services": {code: i for i, (code, _, _) in enumerate(site.services)},
    }
    commune_deps = _commune_deps(site.mapped, index["communes"], index["deps"])
    return {
        "fields": list(MAP_FIELDS),
        "placeUrl": ctx.config.urls.place,
        "types": [{"code": g.code, "label": g.label, "plural": g.plural, "color": g.color, "count": g.mapped_count,
                   "total": g.count} for g in site.types],
        "departements": [{"code": code or "nr", "label": f"{code} · {name}" if code else name}
                         for code, name in departements],
        "communes": communes,
        "communeDeps": commune_deps,
        "services": [{"code": code, "label": label} for code, label, _ in site.services],
        "unmapped": len(site.unmapped),
        "columns": _columns(site.mapped, index, commune_deps),
    }


def map_places(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The places of the map's data as find.js reads them: one dict per place, by field name, with every
    id and département filled in (the benchmark and the tests read the file with it)."""
    columns = data["columns"]
    rows = zip(*(columns[name] for name in MAP_FIELDS), strict=True)
    places = [dict(zip(MAP_FIELDS, values, strict=True)) for values in rows]
    for place in places:
        if place["id"] is None:
            place["id"] = slugify(place["nom"])
        if place["dep"] is None:
            place["dep"] = data["communeDeps"][place["commune"]]
    return places


def render_data(ctx: Context) -> bytes:
    """``lieux-carte.json``: the map's data, fetched by the home page and the embedded map (and kept in
    the browser's cache for both), so that no page carries tens of thousands of places in its HTML."""
    return dumps(map_data(ctx)).encode("utf-8")


def stable_ids(root: Element, prefix: str) -> None:
    """Replace branca's random ids by ids derived from each element's place in the tree."""

    def visit(element: Element, path: str) -> None:
        seen: Counter[str] = Counter()
        for child in element._children.values():
            role = child._name.lower()
            child._id = f"{path}_{role}{seen[role]}"
            seen[role] += 1
            visit(child, child._id)

    root._id = prefix
    visit(root, prefix)


def framing(ctx: Context) -> Bounds:
    """What the map shows first: the places themselves, else the region's box, else France."""
    points = [(p.location.latitude, p.location.longitude) for p in ctx.site.mapped]
    return Bounds.around(points) or ctx.reference.region.bounds or FRANCE


_built: dict[int, tuple[Context, MapParts]] = {}


def build_map(ctx: Context) -> MapParts:
    """The map of the home page and of the embedded map (one rendering per build), framed on the places."""
    if id(ctx) in _built and _built[id(ctx)][0] is ctx:
        return _built[id(ctx)][1]
    _built.clear()
    parts = _build_map(ctx)
    _built[id(ctx)] = (ctx, parts)
    return parts


def _build_map(ctx: Context) -> MapParts:
    tiles = ctx.config.map_tiles
    box = framing(ctx)
    fmap = folium.Map(
        location=[(box.south + box.north) / 2, (box.west + box.east) / 2],
        zoom_start=9,
        tiles=None,
        # folium 0.20 applies min_zoom/max_zoom to its default tiles only: set Leaflet's
        # options directly (the clusters need the map's zoom range).
        minZoom=tiles.min_zoom,
        maxZoom=tiles.max_zoom,
        # Zoom buttons and a metric-only scale are added by places-map.js, with French titles.
        zoom_control=False,
        control_scale=False,
        width="100%",
        height="100%",
    )
    # Leaflet and supercluster are served from the site by the theme, never a CDN.
    fmap.default_js = []
    fmap.default_css = []
    folium.TileLayer(tiles=tiles.url, attr=tiles.attribution, name=tiles.name, max_zoom=tiles.max_zoom,
                     max_native_zoom=tiles.max_zoom).add_to(fmap)
    fmap.fit_bounds(box.as_list())
    PlacesLayer(DATA_ELEMENT_ID).add_to(fmap)
    stable_ids(fmap, "places")
    figure = fmap.get_root()
    figure.render()
    return MapParts(html=Markup(figure.html.render()), script=Markup(figure.script.render()))
