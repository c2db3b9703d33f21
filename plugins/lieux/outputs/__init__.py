"""Every file the site publishes, declared once.

``FILES`` lists the data files (exports, sitemap): a name that templates use to link
to it (``outputs.places_csv``), its path under the output folder, and the function
that renders it from the ``Context``. Adding an export is one module and one line here.
``pages`` lists the HTML pages, each with its template, file and URL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from . import calendar, directory, exports, feeds, find, help, robots, sitemap
from .context import Context


@dataclass(frozen=True)
class File:
    """A data file: ``render`` gives its text, or ``{path: text}`` for a family of files (``save_as`` a pattern)."""

    name: str
    save_as: str
    render: Callable[[Context], str | bytes | dict[str, str]]


FILES: tuple[File, ...] = (
    File("places_csv", "lieux.csv", exports.places_csv),
    File("places_geojson", "lieux.geojson", exports.places_geojson),
    File("sitemap", "sitemap.xml", sitemap.render),
    File("feed_milestones", feeds.FEED_PATHS["milestones"], feeds.milestones),
    File("feed_places", feeds.FEED_PATHS["places"], feeds.places),
    File("feed_events", feeds.FEED_PATHS["events"], feeds.events),
    File("calendar", calendar.ALL_EVENTS, calendar.all_events),
    File("event_calendar", f"evenements/{{slug}}/{calendar.ONE_EVENT}", calendar.each_event),
    File("help_data", help.HELP_DATA, help.render),
    File("robots", "robots.txt", robots.render),
    File("search_data", find.SEARCH_DATA, find.render),
    File("map_data", "lieux-carte.json", lambda ctx: _map_data(ctx)),
)


@dataclass(frozen=True)
class Page:
    """One HTML page: rendered from ``template`` with ``values()`` into ``save_as`` (values computed on demand)."""

    template: str
    save_as: str
    url: str
    name: str
    values: Callable[[], dict[str, Any]] = dict
    listed: bool = True  # in the sitemap (the embedded map is not a page to find)


Section = tuple[Sequence[Any], Callable[[Any], Page]]
ONE = ("",)  # the items of a run of one page (the page does not read its item)


def _sections(ctx: Context) -> list[Section]:
    """The HTML pages the plugin writes, in a fixed order, as runs of alike pages: (items, the page of an item)."""
    site, urls = ctx.site, ctx.config.urls
    size = ctx.config.directory_page_size
    listed = directory.page_of(site, urls, size)  # the list page of each place, for its breadcrumb
    return [
        (ONE, lambda _: Page("carte", "index.html", "", "index", lambda: {"carte": _map(ctx)})),
        (ONE, lambda _: Page("carte-integree", find.EMBED_SAVE_AS, find.EMBED_URL, "carte-integree",
                              lambda: {"carte": _map(ctx)}, listed=False)),
        (ONE, lambda _: Page("integrer", find.EMBED_HELP_SAVE_AS, find.EMBED_HELP_URL, "integrer",
                              lambda: find.embed_help(ctx))),
        (ONE, lambda _: Page("lieux", urls.directory_save_as, urls.directory, "lieux",
                              lambda: {"table": directory.index_table(site, urls, size)})),
        (directory.list_pages(site, urls, size),
         lambda p: Page("lieux-liste", p.save_as, p.url, "lieux",
                        lambda: {"list_page": p, "list_services": directory.page_services(p, site)})),
        (site.places, lambda p: Page("lieu", p.save_as, p.url, "lieu", lambda: {"place": p, **_place(p, ctx, listed)})),
        (ONE, lambda _: Page("partenaires", urls.partners_save_as, urls.partners, "partenaires")),
        (site.partners, lambda p: Page("partenaire", p.save_as, p.url, "partenaire",
                                       lambda: {"partner": p, **_partner(p, ctx)})),
        (ONE, lambda _: Page("projets", urls.projects_save_as, urls.projects, "projets", lambda: _projects(site))),
        (site.projects, lambda p: Page("projet", p.save_as, p.url, "projet",
                                       lambda: {"project": p, **_project(p, ctx)})),
        (ONE, lambda _: Page("evenements", urls.events_save_as, urls.events, "evenements")),
        (site.events, lambda e: Page("evenement", e.save_as, e.url, "evenement", lambda: {"event": e})),
        (ONE, lambda _: Page("suivi", urls.journal_save_as, urls.journal, "suivi",
                              lambda: {"journal": journal(site), "statuses": statuses(ctx)})),
        (ONE, lambda _: Page("aide", urls.help_save_as, urls.help, "aide",
                              lambda: {"needs": help.offers_by_need(ctx)})),
    ]


def pages(ctx: Context, start: int = 0, stop: int | None = None) -> Iterator[Page]:
    """Every HTML page the plugin writes, in a fixed order; only those from ``start`` to ``stop`` (slice's
    bounds), found without making the pages before them."""
    for items, page in _sections(ctx):
        if stop is not None and stop <= 0:
            return
        if start < len(items):
            yield from map(page, items[max(start, 0):stop])
        start -= len(items)
        stop = None if stop is None else stop - len(items)


def page_count(ctx: Context) -> int:
    return sum(len(items) for items, _ in _sections(ctx))


def _map(ctx: Context) -> Any:
    if ctx.map is not None:  # rendered ahead, by a process that loaded Folium while the inputs were checked
        return ctx.map
    from .mapview import build_map  # Folium is loaded only to render

    return build_map(ctx)


def _map_data(ctx: Context) -> bytes:
    from .mapdata import render_data

    return render_data(ctx)


def statuses(ctx: Context) -> list[tuple[str, str]]:
    return [(c.value, c.label) for c in ctx.reference.documents.vocabulary("statut-projet").categories]


def _place(place: Any, ctx: Context, listed: dict[str, str]) -> dict[str, Any]:
    """Head (description, OpenGraph, JSON-LD), details (dates in words, report link) and the directory page
    listing it (``listed``: ``directory.page_of``), of a place page."""
    from . import pagedata, seo

    return {"meta": seo.place_meta(place, ctx), "details": pagedata.place_details(place, ctx.config.repo_url),
            "directory_page": listed.get(place.id, ctx.config.urls.directory)}


def _partner(partner: Any, ctx: Context) -> dict[str, Any]:
    from . import pagedata, seo

    return {"meta": seo.partner_meta(partner, ctx), "filters": pagedata.partner_filters(partner)}


def _project(project: Any, ctx: Context) -> dict[str, Any]:
    from . import pagedata, seo

    return {"meta": seo.project_meta(project, ctx), "details": pagedata.project_details(project, ctx.config.repo_url)}


def _projects(site: Any) -> dict[str, Any]:
    """The projects list: each project with its milestones' dates in words."""
    from . import pagedata

    return {"projects": [(p, pagedata.project_details(p)) for p in site.projects]}


def journal(site: Any) -> list[tuple[Any, Any]]:
    """Every milestone of every project, newest first: ``(milestone, project)``."""
    return sorted(((m, p) for p in site.projects for m in p.milestones), key=lambda x: (x[0].date, x[1].slug),
                  reverse=True)


def links() -> dict[str, str]:
    """``{name: path}`` of every data file, for the templates' links."""
    return {f.name: f.save_as for f in FILES}
