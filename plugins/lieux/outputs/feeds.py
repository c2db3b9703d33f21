"""Atom feeds, written with feedgenerator (Pelican's own feed machinery): the projects' milestones
(« que sont-ils devenus ? »), the places added or updated, and the events.

Dates come from the data only (never the clock), so two builds of the same input are identical.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from feedgenerator import Atom1Feed

from .context import Context

PLACES_IN_FEED = 50


def _moment(partial: str) -> datetime:
    """« 2017 » → 2017-01-01, « 2017-06 » → 2017-06-01, at midnight UTC."""
    parts = [int(p) for p in partial.split("-")] + [1, 1]
    return datetime(parts[0], parts[1], parts[2], tzinfo=UTC)


def _absolute(ctx: Context, url: str) -> str:
    return f"{ctx.config.siteurl}/{url}"


def _feed(ctx: Context, title: str, url: str, feed_url: str, description: str,
          items: Iterable[tuple[str, str, str, str, datetime]]) -> str:
    feed = Atom1Feed(title=title, link=_absolute(ctx, url), feed_url=_absolute(ctx, feed_url),
                     description=description, language="fr")
    for title_, link, text, unique, when in items:
        feed.add_item(title=title_, link=_absolute(ctx, link), description=text, unique_id=unique,
                      pubdate=when, updateddate=when)
    return feed.writeString("utf-8")


def milestones(ctx: Context) -> str:
    """Every dated milestone of every project, newest first."""
    entries = sorted(((m.date, p, m) for p in ctx.site.projects for m in p.milestones),
                     key=lambda x: (x[0], x[1].slug), reverse=True)
    items = [(f"{project.title} : {m.text}", f"{project.url}#jalon-{m.date}", m.text,
              f"{_absolute(ctx, project.url)}#jalon-{m.date}-{i}", _moment(m.date))
             for i, (_, project, m) in enumerate(entries)]
    urls = ctx.config.urls
    return _feed(ctx, "Que sont devenus les projets ?", urls.journal, FEED_PATHS["milestones"],
                 "Les nouvelles datées des projets, de la plus récente à la plus ancienne.", items)


def places(ctx: Context) -> str:
    """The places whose information is the most recent (``date_maj``), newest first."""
    dated = sorted((p for p in ctx.site.places if p.date_maj), key=lambda p: (p.date_maj, p.id), reverse=True)
    items = [(f"{p.nom} ({p.type_label}{', ' + p.commune if p.commune else ''})", p.url,
              p.description or p.type_label, _absolute(ctx, p.url) + f"#maj-{p.date_maj}", _moment(p.date_maj))
             for p in dated[:PLACES_IN_FEED]]
    return _feed(ctx, "Lieux ajoutés ou mis à jour", ctx.config.urls.directory, FEED_PATHS["places"],
                 f"Les {PLACES_IN_FEED} lieux dont l'information est la plus récente.", items)


def events(ctx: Context) -> str:
    items = [(f"{e.title} — {e.date_text}", e.url, e.summary, _absolute(ctx, e.url), _moment(e.date))
             for e in sorted(ctx.site.events, key=lambda e: (e.date, e.slug), reverse=True)]
    return _feed(ctx, "Événements dans les lieux d'innovation", ctx.config.urls.events, FEED_PATHS["events"],
                 "Ateliers, rencontres et opérations dans les lieux et avec les partenaires.", items)


FEED_PATHS = {"milestones": "suivi/atom.xml", "places": "lieux/atom.xml", "events": "evenements/atom.xml"}
