"""Step 4a: the interactive map of the home page, built with Folium.

Folium writes the Leaflet map (tiles, framing of the region); the places go to
the page as one compact JSON array, and markers, clusters, popups and the
legend are created client-side by ``theme/static/js/places-map.js``. This keeps
the page at a few dozen gzipped bytes per place instead of a Folium marker each.

Every element gets a stable id derived from its role on the page, so two builds
of the same data give byte-identical pages (branca draws ids from os.urandom).
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

from .loader import Region
from .model import Site

DATA_ELEMENT_ID = "places-data"
DESCRIPTION_CHARS = 140


@dataclass(frozen=True)
class MapParts:
    """What a page template needs to show the map: its container and its script."""

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


def one_line(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    """The description cut at a word boundary to fit a popup line."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return cut + "…"


def map_data(site: Site, place_url: str) -> dict[str, Any]:
    """The map's data: type legend, URL pattern and one short array per mapped place."""
    index = {group.code: i for i, group in enumerate(site.types)}
    rows = []
    for place in site.mapped:
        row: list[Any] = [
            round(place.location.latitude, 5),
            round(place.location.longitude, 5),
            index[place.type],
            place.id,
            place.nom,
            place.commune or "",
            one_line(place.description or ""),
        ]
        if place.is_closed:
            row.append(1)
        rows.append(row)
    return {
        "fields": ["lat", "lon", "type", "id", "nom", "commune", "description", "ferme"],
        "placeUrl": place_url,
        "types": [
            {"code": g.code, "label": g.label, "color": g.color, "count": g.mapped_count}
            for g in site.types
        ],
        "places": rows,
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


def build_map(
    site: Site,
    region: Region,
    tiles: dict[str, Any],
    place_url: str,
) -> MapParts:
    """The home page's map, framed on ``region``."""
    (south, west), (north, east) = region.bounds
    fmap = folium.Map(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=9,
        tiles=None,
        # folium 0.20 applies min_zoom/max_zoom to its default tiles only: set Leaflet's
        # options directly (markercluster needs the map's maxZoom).
        minZoom=tiles.get("min_zoom", 7),
        maxZoom=tiles.get("max_zoom", 18),
        control_scale=True,
        width="100%",
        height="100%",
    )
    # Leaflet and markercluster are served from the site by the theme, never a CDN.
    fmap.default_js = []
    fmap.default_css = []
    folium.TileLayer(
        tiles=tiles["url"],
        attr=tiles["attribution"],
        name=tiles.get("name", "Fond de carte"),
        max_zoom=tiles.get("max_zoom", 18),
        max_native_zoom=tiles.get("max_zoom", 18),
        subdomains=tiles.get("subdomains", "abc"),
    ).add_to(fmap)
    fmap.fit_bounds([[south, west], [north, east]])
    PlacesLayer(DATA_ELEMENT_ID).add_to(fmap)
    stable_ids(fmap, "places")

    figure = fmap.get_root()
    figure.render()
    return MapParts(
        html=Markup(figure.html.render()),
        script=Markup(figure.script.render()),
        data=json_for_script(map_data(site, place_url)),
    )
