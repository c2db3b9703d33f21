"""Every file the site publishes, declared once.

``FILES`` lists the data files (exports, sitemap): a name that templates use to link
to it (``outputs.places_csv``), its path under the output folder, and the function
that renders it from the ``Context``. Adding an export is one module and one line here.
``pages`` lists the HTML pages, each with its template, file and URL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from . import exports, sitemap
from .context import Context


@dataclass(frozen=True)
class File:
    name: str
    save_as: str
    render: Callable[[Context], str]


FILES: tuple[File, ...] = (
    File("places_csv", "lieux.csv", exports.places_csv),
    File("places_geojson", "lieux.geojson", exports.places_geojson),
    File("sitemap", "sitemap.xml", sitemap.render),
)


@dataclass(frozen=True)
class Page:
    """One HTML page: rendered from ``template`` with ``values`` into ``save_as``."""

    template: str
    save_as: str
    url: str
    name: str
    values: dict[str, Any] = field(default_factory=dict)


def pages(ctx: Context) -> Iterator[Page]:
    """Every HTML page the plugin writes, in a fixed order."""
    from .mapview import build_map  # Folium is loaded only to render

    site, urls = ctx.site, ctx.config.urls
    yield Page("carte", "index.html", "", "index", {"carte": build_map(ctx)})
    yield Page("lieux", urls.directory_save_as, urls.directory, "lieux")
    yield from (Page("lieu", p.save_as, p.url, "lieu", {"place": p}) for p in site.places)
    yield Page("partenaires", urls.partners_save_as, urls.partners, "partenaires")
    yield from (Page("partenaire", p.save_as, p.url, "partenaire", {"partner": p}) for p in site.partners)
    yield Page("projets", urls.projects_save_as, urls.projects, "projets")
    yield from (Page("projet", p.save_as, p.url, "projet", {"project": p}) for p in site.projects)


def links() -> dict[str, str]:
    """``{name: path}`` of every data file, for the templates' links."""
    return {f.name: f.save_as for f in FILES}
