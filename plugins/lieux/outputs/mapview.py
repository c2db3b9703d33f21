"""The home page's interactive map, built with Folium.

Folium writes the Leaflet map (tiles, framing) and hands it to the client-side layer
(``theme/static/js/find.js``), which fetches the places from their own file
(``lieux-carte.json``, written by ``mapdata.py``) and draws markers, clusters, popups,
the legend, the results list and its facets.

Every element gets a stable id derived from its role on the page, so two builds of
the same data give byte-identical pages (branca draws ids from os.urandom).

Only the process of ``mapahead.py`` imports this module, and with it Folium, while the
inputs are checked (or, without that process, the two map pages): the processes that render
the pages, the map's data and the tools do not.
"""

from __future__ import annotations

import os
from collections import Counter

# Folium loads numpy (through branca), whose OpenBLAS starts a thread per core as it loads: that alone costs
# this process more processor time than the rest of Folium's import, and the map does no linear algebra.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import folium  # noqa: E402 - after the line above, which only applies to a numpy not loaded yet
from branca.element import Element, MacroElement  # noqa: E402
from jinja2 import Template  # noqa: E402
from markupsafe import Markup  # noqa: E402

from ..core.config import MapTiles
from ..core.geo import Bounds
from .context import Context
from .mapahead import MapParts, framing

DATA_ELEMENT_ID = "places-data"


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


_built: dict[int, tuple[Context, MapParts]] = {}


def build_map(ctx: Context) -> MapParts:
    """The map of the home page and of the embedded map (one rendering per build), framed on the places."""
    if id(ctx) in _built and _built[id(ctx)][0] is ctx:
        return _built[id(ctx)][1]
    _built.clear()
    parts = render_map(ctx.config.map_tiles, framing(ctx.site, ctx.reference.region))
    _built[id(ctx)] = (ctx, parts)
    return parts


def render_map(tiles: MapTiles, box: Bounds) -> MapParts:
    """The Leaflet map Folium writes, framed on ``box``."""
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
