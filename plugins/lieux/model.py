"""Step 3 of the pipeline: build the model the templates receive.

Places come from the validated CSV and their locations; partners and projects
come from markdown documents (read by Pelican's readers). Links are declared in
the documents' metadata by place id or page slug and shown on both sides. An
unknown reference is reported with its file and line, never silently dropped.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .geocache import Location
from .loader import Problem, Record, Region, display_path
from .schema import Schema

PARTNER_KINDS = {
    "entreprise": "Entreprise",
    "public": "Acteur public",
    "associatif": "Association",
    "academique": "Enseignement et recherche",
}
PROJECT_STATUSES = {
    "idee": "Idée",
    "en-cours": "En cours",
    "lance": "Lancé",
    "arrete": "Arrêté",
}
MILESTONE = re.compile(r"^\s*(\d{4}(?:-\d{2}){0,2})\s*:\s*(.+?)\s*$")
UNKNOWN_DEPARTEMENT = "non renseigné"


MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")


def french_date(iso: str) -> str:
    """« 2019 » → « de 2019 », « 2026-11 » → « de novembre 2026 », « 2024-01-15 » → « du 15 janvier 2024 »."""
    parts = iso.split("-")
    if len(parts) == 3:
        return f"du {int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"de {MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return f"de {iso}" if iso else ""


def sort_key(text: str) -> str:
    """Accent- and case-insensitive key, so « Écoles » sorts among the E."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def vocabulary_code(text: str) -> str:
    """« Académique » → ``academique``, « en cours » → ``en-cours``."""
    return re.sub(r"[^a-z0-9]+", "-", sort_key(text)).strip("-")


@dataclass
class Document:
    """A markdown page (partner, project or long place description), as read by Pelican."""

    kind: str
    slug: str
    title: str
    metadata: Mapping[str, Any]
    content: str
    source_path: str
    summary: str = ""

    def values(self, key: str) -> list[str]:
        """A metadata value as a list of strings (repeated keys or a comma list)."""
        raw = self.metadata.get(key)
        if raw is None:
            return []
        items = raw if isinstance(raw, list) else [raw]
        return [str(item) for item in items]

    def line_of(self, key: str, needle: str = "") -> int:
        """Line of the metadata ``key`` (holding ``needle``) in the source file, or 1."""
        try:
            lines = Path(self.source_path).read_text(encoding="utf-8").splitlines()
        except OSError:
            return 1
        prefix = key.lower() + ":"
        for number, line in enumerate(lines, start=1):
            if line.lower().startswith(prefix) and needle in line:
                return number
        return 1


@dataclass
class Place:
    """A place of the directory, ready to render."""

    record: Record
    type_label: str
    type_color: str
    status_label: str
    service_labels: list[str]
    departement: str
    departement_label: str
    location: Location | None
    url: str
    save_as: str
    edit_url: str
    body: str = ""
    partners: list[Partner] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)

    def __getattr__(self, name: str) -> Any:
        # Columns of the CSV are reachable as attributes: place.nom, place.commune…
        try:
            return self.__dict__["record"].values[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def line(self) -> int:
        return self.record.line

    @property
    def is_closed(self) -> bool:
        return self.record["statut"] == "ferme"

    @property
    def date_maj_text(self) -> str:
        return french_date(self.date_maj or "")

    @property
    def search_text(self) -> str:
        """What the directory's live filter matches: names, place, themes, services."""
        parts = [self.nom, self.commune or "", self.structure or "", self.type_label,
                 *self.thematiques, *self.service_labels]
        return sort_key(" ".join(parts))

    @property
    def full_address(self) -> str:
        city = " ".join(x for x in (self.code_postal, self.commune) if x)
        return ", ".join(x for x in (self.adresse, city) if x)


@dataclass
class Milestone:
    date: str
    text: str


@dataclass
class Partner:
    slug: str
    title: str
    kind: str
    kind_label: str
    website: str
    summary: str
    content: str
    url: str
    save_as: str
    places: list[Place] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)


@dataclass
class Project:
    slug: str
    title: str
    status: str
    status_label: str
    summary: str
    content: str
    url: str
    save_as: str
    milestones: list[Milestone] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    partners: list[Partner] = field(default_factory=list)
    places_elsewhere: list[str] = field(default_factory=list)


@dataclass
class TypeGroup:
    """All places of one type, by département, for the directory and the legend."""

    code: str
    label: str
    plural: str
    color: str
    places: list[Place]
    by_departement: list[tuple[str, str, list[Place]]]

    @property
    def count(self) -> int:
        return len(self.places)

    @property
    def mapped_count(self) -> int:
        return sum(1 for p in self.places if p.location)


@dataclass
class Site:
    places: list[Place]
    partners: list[Partner]
    projects: list[Project]
    types: list[TypeGroup]
    departements: list[tuple[str, str, int]]
    services: list[tuple[str, str, int]]
    problems: list[Problem]

    @property
    def mapped(self) -> list[Place]:
        return [p for p in self.places if p.location]

    @property
    def unmapped(self) -> list[Place]:
        return [p for p in self.places if not p.location]


@dataclass(frozen=True)
class Urls:
    """Where pages go, from the settings."""

    place: str = "lieux/{id}/"
    place_save_as: str = "lieux/{id}/index.html"
    partner: str = "partenaires/{slug}/"
    partner_save_as: str = "partenaires/{slug}/index.html"
    project: str = "projets/{slug}/"
    project_save_as: str = "projets/{slug}/index.html"
    edit: str = ""  # e.g. https://github.com/o/r/blob/main/data/places.csv?plain=1#L{line}


def _place(record: Record, schema: Schema, region: Region, location: Location | None, urls: Urls) -> Place:
    type_field = schema["type"]
    category = next(c for c in type_field.categories if c.value == record["type"])
    departement = region.departement(record["code_postal"])
    return Place(
        record=record,
        type_label=category.label,
        type_color=category.color,
        status_label=schema["statut"].label(record["statut"]),
        service_labels=[schema["services"].label(s) for s in record["services"]],
        departement=departement,
        departement_label=(
            f"{departement} · {region.departements[departement]}" if departement else UNKNOWN_DEPARTEMENT
        ),
        location=location,
        url=urls.place.format(id=record["id"]),
        save_as=urls.place_save_as.format(id=record["id"]),
        edit_url=urls.edit.format(line=record.line) if urls.edit else "",
    )


def _split(values: list[str], separator: str = ",") -> list[str]:
    return [item.strip() for value in values for item in value.split(separator) if item.strip()]


def _vocabulary(
    doc: Document, key: str, vocabulary: Mapping[str, str], problems: list[Problem]
) -> tuple[str, str]:
    values = doc.values(key)
    code = vocabulary_code(values[0]) if values else ""
    if code in vocabulary:
        return code, vocabulary[code]
    where = display_path(doc.source_path)
    shown = values[0] if values else "(absent)"
    problems.append(
        Problem(
            where,
            doc.line_of(key),
            key.capitalize(),
            f"« {shown} » inconnu ; valeurs possibles : {', '.join(vocabulary.values())}",
            "warning",
        )
    )
    return "", ""


def _link_places(doc: Document, places: Mapping[str, Place], problems: list[Problem]) -> list[Place]:
    linked = []
    for place_id in _split(doc.values("lieux")):
        if place_id in places:
            linked.append(places[place_id])
        else:
            problems.append(
                Problem(
                    display_path(doc.source_path),
                    doc.line_of("lieux", place_id),
                    "Lieux",
                    f"lieu inconnu « {place_id} » : aucun lieu de data/places.csv n'a cet id",
                    "warning",
                )
            )
    return linked


def _milestones(doc: Document, problems: list[Problem]) -> list[Milestone]:
    milestones = []
    for value in doc.values("jalon"):
        match = MILESTONE.match(value)
        if match:
            milestones.append(Milestone(*match.groups()))
        else:
            problems.append(
                Problem(
                    display_path(doc.source_path),
                    doc.line_of("jalon", value.split("\n")[0]),
                    "Jalon",
                    f"« {value} » : un jalon s'écrit « AAAA[-MM[-JJ]] : ce qui s'est passé »",
                    "warning",
                )
            )
    return sorted(milestones, key=lambda m: m.date)


def build_site(
    records: Iterable[Record],
    locations: Mapping[str, Location],
    documents: Iterable[Document],
    schema: Schema,
    region: Region,
    urls: Urls = Urls(),
) -> Site:
    """Assemble places, partners, projects and the links between them."""
    problems: list[Problem] = []
    places = sorted(
        (_place(r, schema, region, locations.get(r["id"]), urls) for r in records),
        key=lambda p: (sort_key(p.nom), p.id),
    )
    by_id = {p.id: p for p in places}
    documents = sorted(documents, key=lambda d: (d.kind, d.slug))

    for doc in documents:
        if doc.kind != "lieu":
            continue
        if doc.slug in by_id:
            by_id[doc.slug].body = doc.content
        else:
            problems.append(
                Problem(
                    display_path(doc.source_path),
                    1,
                    "fichier",
                    f"aucun lieu n'a l'id « {doc.slug} » dans data/places.csv : "
                    "le nom du fichier doit être l'id du lieu",
                    "warning",
                )
            )

    partners: dict[str, Partner] = {}
    for doc in (d for d in documents if d.kind == "partenaire"):
        kind, kind_label = _vocabulary(doc, "nature", PARTNER_KINDS, problems)
        partner = Partner(
            slug=doc.slug,
            title=doc.title,
            kind=kind,
            kind_label=kind_label,
            website=next(iter(doc.values("site")), ""),
            summary=doc.summary,
            content=doc.content,
            url=urls.partner.format(slug=doc.slug),
            save_as=urls.partner_save_as.format(slug=doc.slug),
            places=_link_places(doc, by_id, problems),
        )
        partners[doc.slug] = partner
        for place in partner.places:
            place.partners.append(partner)

    projects: list[Project] = []
    for doc in (d for d in documents if d.kind == "projet"):
        status, status_label = _vocabulary(doc, "statut", PROJECT_STATUSES, problems)
        project = Project(
            slug=doc.slug,
            title=doc.title,
            status=status,
            status_label=status_label,
            summary=doc.summary,
            content=doc.content,
            url=urls.project.format(slug=doc.slug),
            save_as=urls.project_save_as.format(slug=doc.slug),
            milestones=_milestones(doc, problems),
            places=_link_places(doc, by_id, problems),
            places_elsewhere=_split(doc.values("lieux-hors-region"), ";"),
        )
        for slug in _split(doc.values("partenaires")):
            if slug in partners:
                project.partners.append(partners[slug])
                partners[slug].projects.append(project)
            else:
                problems.append(
                    Problem(
                        display_path(doc.source_path),
                        doc.line_of("partenaires", slug),
                        "Partenaires",
                        f"partenaire inconnu « {slug} » : aucune page content/partenaires/{slug}.md",
                        "warning",
                    )
                )
        for place in project.places:
            place.projects.append(project)
        projects.append(project)

    types = []
    for category in schema["type"].categories:
        members = [p for p in places if p.type == category.value]
        grouped: dict[str, list[Place]] = defaultdict(list)
        for p in members:
            grouped[p.departement].append(p)
        by_dep = [
            (code, region.departements.get(code, UNKNOWN_DEPARTEMENT), grouped[code])
            for code in [*sorted(c for c in grouped if c), ""]
            if grouped.get(code)
        ]
        types.append(TypeGroup(category.value, category.label, category.plural, category.color, members, by_dep))

    counts = defaultdict(int)
    for p in places:
        counts[p.departement] += 1
    departements = [(code, name, counts[code]) for code, name in sorted(region.departements.items())]
    if counts[""]:
        departements.append(("", UNKNOWN_DEPARTEMENT, counts[""]))

    services = [(c.value, c.label, sum(1 for p in places if c.value in p.services))
                for c in schema["services"].categories]

    return Site(
        services=services,
        places=places,
        partners=sorted(partners.values(), key=lambda p: sort_key(p.title)),
        projects=sorted(projects, key=lambda p: sort_key(p.title)),
        types=types,
        departements=departements,
        problems=sorted(problems),
    )
