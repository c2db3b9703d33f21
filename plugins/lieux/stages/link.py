"""Link: the references written in documents, resolved both ways.

A partner or project lists place ids (``Lieux:``) and partner slugs (``Partenaires:``);
each link shows on both pages. An unknown reference is reported with its file and
line, never silently dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..core.problems import Problem, quoted
from .documents import Document
from .site import Site


class _Linker:
    """Resolves the references of each document against the site's objects, noting the unknown ones."""

    def __init__(self, site: Site, places_path: str) -> None:
        self.places = {p.id: p for p in site.places}
        self.partners = {p.slug: p for p in site.partners}
        self.projects = {p.slug: p for p in site.projects}
        self.events = {e.slug: e for e in site.events}
        self.places_path = places_path
        self.problems: list[Problem] = []

    def resolve(self, doc: Document, key: str, what: str) -> list[Any]:
        table = {"lieu": self.places, "partenaire": self.partners, "projet": self.projects}[what]
        found = []
        for line, ref in doc.fields.get(key, []):
            if ref in table:
                found.append(table[ref])
            else:
                self.problems.append(Problem(doc.path, line, key.capitalize(), f"{what} inconnu « {quoted(ref)} » : "
                                             f"{_where(what, ref, self.places_path)}", "warning"))
        return found

    def lieu(self, doc: Document) -> None:
        if doc.slug in self.places:
            self.places[doc.slug].body = doc.body
        else:
            self.problems.append(Problem(doc.path, 0, "fichier", f"aucun lieu n'a l'id « {doc.slug} » dans "
                                         f"{self.places_path} : le nom du fichier doit être l'id du lieu", "warning"))

    def partenaire(self, doc: Document) -> None:
        partner = self.partners[doc.slug]
        partner.places = self.resolve(doc, "lieux", "lieu")
        for place in partner.places:
            place.partners.append(partner)

    def projet(self, doc: Document) -> None:
        project = self.projects[doc.slug]
        project.places = self.resolve(doc, "lieux", "lieu")
        project.partners = self.resolve(doc, "partenaires", "partenaire")
        for item in [*project.places, *project.partners]:
            item.projects.append(project)

    def evenement(self, doc: Document) -> None:
        event = self.events.get(doc.slug)
        if event is None:  # an event without a valid date was not assembled
            return
        found = self.resolve(doc, "lieu", "lieu")
        event.place = found[0] if found else None
        event.organisers = self.resolve(doc, "organisateurs", "partenaire")
        event.projects = self.resolve(doc, "projets", "projet")
        for item in [*found[:1], *event.organisers, *event.projects]:
            item.events.append(event)


def link(site: Site, documents: Iterable[Document], places_path: str) -> list[Problem]:
    """Fill the links of ``site`` from ``documents``; return the unknown references."""
    linker = _Linker(site, places_path)
    for doc in documents:
        getattr(linker, doc.kind)(doc)
    _sort_links(site)
    return linker.problems


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
