"""Link: the references written in documents, resolved both ways.

A partner or project lists place ids (``Lieux:``) and partner slugs (``Partenaires:``);
each link shows on both pages. An unknown reference is reported with its file and
line, never silently dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..core.problems import Problem, quoted
from .documents import Document
from .site import Event, Site


def link(site: Site, documents: Iterable[Document], places_path: str) -> list[Problem]:
    """Fill the links of ``site`` from ``documents``; return the unknown references."""
    places = {p.id: p for p in site.places}
    partners = {p.slug: p for p in site.partners}
    projects = {p.slug: p for p in site.projects}
    events = {e.slug: e for e in site.events}
    problems: list[Problem] = []

    def resolve(doc: Document, key: str, table: dict, what: str) -> list:
        found = []
        for line, ref in doc.fields.get(key, []):
            if ref in table:
                found.append(table[ref])
            else:
                problems.append(Problem(doc.path, line, key.capitalize(), f"{what} inconnu « {quoted(ref)} » : "
                                        f"{_where(what, ref, places_path)}", "warning"))
        return found

    for doc in documents:
        if doc.kind == "lieu":
            if doc.slug in places:
                places[doc.slug].body = doc.body
            else:
                problems.append(Problem(doc.path, 0, "fichier", f"aucun lieu n'a l'id « {doc.slug} » dans "
                                        f"{places_path} : le nom du fichier doit être l'id du lieu", "warning"))
        elif doc.kind == "partenaire":
            partner = partners[doc.slug]
            partner.places = resolve(doc, "lieux", places, "lieu")
            for place in partner.places:
                place.partners.append(partner)
        elif doc.kind == "projet":
            project = projects[doc.slug]
            project.places = resolve(doc, "lieux", places, "lieu")
            project.partners = resolve(doc, "partenaires", partners, "partenaire")
            for place in project.places:
                place.projects.append(project)
            for partner in project.partners:
                partner.projects.append(project)
        elif doc.kind == "evenement" and doc.slug in events:
            _link_event(events[doc.slug], doc, resolve, places, partners, projects)
    _sort_links(site)
    return problems


def _link_event(event: Event, doc: Document, resolve: Callable, places: dict, partners: dict,
                projects: dict) -> None:
    found = resolve(doc, "lieu", places, "lieu")
    event.place = found[0] if found else None
    event.organisers = resolve(doc, "organisateurs", partners, "partenaire")
    event.projects = resolve(doc, "projets", projects, "projet")
    for item in [*found[:1], *event.organisers, *event.projects]:
        item.events.append(event)


def _where(what: str, ref: str, places_path: str) -> str:
    if what == "lieu":
        return f"aucun lieu de {places_path} n'a cet id"
    folder = {"partenaire": "partenaires", "projet": "projets"}[what]
    return f"aucune page content/{folder}/{ref}.md"


def _sort_links(site: Site) -> None:
    order = {id(p): i for i, p in enumerate([*site.places, *site.partners, *site.projects, *site.events])}
    for item in [*site.places, *site.partners, *site.projects]:
        for name in ("places", "partners", "projects", "events"):
            links = getattr(item, name, None)
            if links:
                links.sort(key=lambda x: order[id(x)])
