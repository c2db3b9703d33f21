"""Link: the references written in documents, resolved both ways.

A partner or project lists place ids (``Lieux:``) and partner slugs (``Partenaires:``);
each link shows on both pages. An unknown reference is reported with its file and
line (``unknown_references``, which needs only the names: ``invoke validate`` checks
them without assembling the site), never silently dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..core.problems import Problem, Record, quoted
from .documents import Document, is_dated_event

if TYPE_CHECKING:  # the site's types are only needed to build it (invoke validate does not)
    from .site import Site

# What each kind of document refers to: (its key, the kind of object named).
REFERENCES = {
    "lieu": (),
    "partenaire": (("lieux", "lieu"),),
    "projet": (("lieux", "lieu"), ("partenaires", "partenaire")),
    "evenement": (("lieu", "lieu"), ("organisateurs", "partenaire"), ("projets", "projet")),
}


@dataclass(frozen=True)
class Known:
    """The ids and slugs a document may name: the places' ids, the partners', projects' and events' slugs."""

    lieu: frozenset[str]
    partenaire: frozenset[str]
    projet: frozenset[str]
    evenement: frozenset[str]


def known(records: Iterable[Record], documents: Iterable[Document]) -> Known:
    """What the site will hold, from the valid records and the documents (no site needed)."""
    documents = list(documents)

    def slugs(kind: str) -> frozenset[str]:
        return frozenset(d.slug for d in documents if d.kind == kind)

    return Known(frozenset(r["id"] for r in records), slugs("partenaire"), slugs("projet"),
                 frozenset(d.slug for d in documents if is_dated_event(d)))


def unknown_references(documents: Iterable[Document], names: Known, places_path: str) -> list[Problem]:
    """Every reference of a document to a place, partner or project that does not exist, with its line; and
    every place page whose file name is no place's id. (An event without a valid date is not on the site.)"""
    problems = []
    for doc in documents:
        if doc.kind == "lieu" and doc.slug not in names.lieu:
            problems.append(Problem(doc.path, 0, "fichier", f"aucun lieu n'a l'id « {doc.slug} » dans "
                                    f"{places_path} : le nom du fichier doit être l'id du lieu", "warning"))
        if doc.kind == "evenement" and doc.slug not in names.evenement:
            continue
        for key, what in REFERENCES[doc.kind]:
            problems += [Problem(doc.path, line, key.capitalize(), f"{what} inconnu « {quoted(ref)} » : "
                                 f"{_where(what, ref, places_path)}", "warning")
                         for line, ref in doc.fields.get(key, []) if ref not in getattr(names, what)]
    return problems


class _Linker:
    """Resolves the references of each document against the site's objects (the unknown ones are
    ``unknown_references``'s to report)."""

    def __init__(self, site: Site) -> None:
        self.places = {p.id: p for p in site.places}
        self.partners = {p.slug: p for p in site.partners}
        self.projects = {p.slug: p for p in site.projects}
        self.events = {e.slug: e for e in site.events}

    def resolve(self, doc: Document, key: str, what: str) -> list[Any]:
        table = {"lieu": self.places, "partenaire": self.partners, "projet": self.projects}[what]
        return [table[ref] for _, ref in doc.fields.get(key, []) if ref in table]

    def lieu(self, doc: Document) -> None:
        if doc.slug in self.places:
            self.places[doc.slug].body = doc.body

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


def link(site: Site, documents: Iterable[Document]) -> None:
    """Fill the links of ``site`` from ``documents``, both ways."""
    linker = _Linker(site)
    for doc in documents:
        getattr(linker, doc.kind)(doc)
    _sort_links(site)


def _where(what: str, ref: str, places_path: str) -> str:
    if what == "lieu":
        return f"aucun lieu de {places_path} n'a cet id"
    folder = {"partenaire": "partenaires", "projet": "projets"}[what]
    return f"aucune page content/{folder}/{ref}.md"


def _sort_links(site: Site) -> None:
    """Each object's links in the site's order (places, partners, projects and events as displayed)."""
    order = {id(p): i for i, p in enumerate([*site.places, *site.partners, *site.projects, *site.events])}
    for items, names in ((site.places, ("partners", "projects", "events")),
                         (site.partners, ("places", "projects", "events")),
                         (site.projects, ("places", "partners", "events"))):
        for item in items:
            for name in names:
                links = getattr(item, name)
                if len(links) > 1:
                    links.sort(key=lambda x: order[id(x)])
