"""The home page's interactive map, built with Folium, and its data.

Folium writes the Leaflet map (tiles, framing); the places go to the page as one
compact JSON table whose columns are named once, in ``MAP_FIELDS``, and read by name
in ``theme/static/js/places-map.js``. Markers, clusters, popups and the legend are
created client-side: a few dozen gzipped bytes per place instead of a Folium marker each.

Every element gets a stable id derived from its role on the page, so two builds of
the same data give byte-identical pages (branca draws ids from os.urandom).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

import folium
from branca.element import Element, MacroElement
from jinja2 import Template
from markupsafe import Markup

from ..core.geo import Bounds
from ..core.text import one_line
from ..stages.site import Place
from .context import Context

DATA_ELEMENT_ID = "places-data"
DESCRIPTION_CHARS = 140
FRANCE = Bounds(41.3, -5.2, 51.1, 9.6)
# The columns of the map's data table, in order; places-map.js reads them by these names.
MAP_FIELDS = ("lat", "lon", "type", "id", "nom", "commune", "description", "ferme")


@dataclass(frozen=True)
class MapParts:
    """What a page template needs to show the map: its container, its script and its data."""

    html: Markup
    script: Markup
    data: Markup


class PlacesLayer(MacroElement):
    """Hands the map to the client-side layer that draws the places."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
    PlacesMap.init({{ this._parent.get_name() }}, {{ this.data_id|tojson }});
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


def _row(place: Place, type_index: int) -> list[Any]:
    values = {
        "lat": round(place.location.latitude, 5), "lon": round(place.location.longitude, 5), "type": type_index,
        "id": place.id, "nom": place.nom, "commune": place.commune or "",
        "description": one_line(place.description or "", DESCRIPTION_CHARS), "ferme": 1 if place.is_closed else 0,
    }
    return [values[name] for name in MAP_FIELDS]


def map_data(ctx: Context) -> dict[str, Any]:
    """The map's data: field names, type legend, URL pattern and one row per mapped place."""
    site = ctx.site
    index = {group.code: i for i, group in enumerate(site.types)}
    return {
        "fields": list(MAP_FIELDS),
        "placeUrl": ctx.config.urls.place,
        "types": [{"code": g.code, "label": g.label, "color": g.color, "count": g.mapped_count} for g in site.types],
        "places": [_row(place, index[place.type]) for place in site.mapped],
    }


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


def build_map(ctx: Context) -> MapParts:
    """The home page's map, framed on the places."""
    tiles = ctx.config.map_tiles
    box = framing(ctx)
    fmap = folium.Map(
        location=[(box.south + box.north) / 2, (box.west + box.east) / 2],
        zoom_start=9,
        tiles=None,
        # folium 0.20 applies min_zoom/max_zoom to its default tiles only: set Leaflet's
        # options directly (markercluster needs the map's maxZoom).
        minZoom=tiles.min_zoom,
        maxZoom=tiles.max_zoom,
        control_scale=True,
        width="100%",
        height="100%",
    )
    # Leaflet and markercluster are served from the site by the theme, never a CDN.
    fmap.default_js = []
    fmap.default_css = []
    folium.TileLayer(tiles=tiles.url, attr=tiles.attribution, name=tiles.name, max_zoom=tiles.max_zoom,
                     max_native_zoom=tiles.max_zoom).add_to(fmap)
    fmap.fit_bounds(box.as_list())
    PlacesLayer(DATA_ELEMENT_ID).add_to(fmap)
    stable_ids(fmap, "places")
    figure = fmap.get_root()
    figure.render()
    return MapParts(html=Markup(figure.html.render()), script=Markup(figure.script.render()),
                    data=json_for_script(map_data(ctx)))
