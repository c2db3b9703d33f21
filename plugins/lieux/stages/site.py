"""The assembled site: places, partners, projects and the directory's groupings, ready to render.

Templates receive these objects and hold no logic: every label, URL and count they
show is computed here or by the stages that fill them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..core.problems import Problem, Record
from ..core.text import french_date, french_date_of
from .documents import Milestone
from .locate import Location

UNKNOWN_DEPARTEMENT = "non renseigné"


class _Columns:
    """What gives places an instance dictionary (``Place`` has slots, this base has none): their record's values,
    shared, so that a column of the CSV reads as an attribute (``place.nom``) as fast as any attribute. A field
    or property of places (``url``, ``line``…) keeps its meaning over a column of the same name."""


@dataclass(slots=True)
class Place(_Columns):
    """A place of the directory (slots: tens of thousands of them live through a build), its columns read as
    attributes: ``place.nom``, ``place.commune``… Nothing writes to a place once assembled: an attribute that
    is not a field would be written into its record's values."""

    record: Record
    type_label: str
    type_color: str
    status_label: str
    service_labels: list[str]
    departement: str
    departement_label: str
    arrondissement: int | None
    location: Location | None
    url: str
    save_as: str
    edit_url: str
    body: str = ""
    partners: list[Partner] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    wanted_by: list[Wanted] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.__dict__ = self.record.values

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(name)  # neither a field nor a column

    @property
    def line(self) -> int:
        return self.record.line

    @property
    def is_closed(self) -> bool:
        return self.statut == "ferme"

    @property
    def full_address(self) -> str:
        """« 12 rue X, 75011 Paris »: the address, postcode and commune that are given."""
        city = f"{self.code_postal} {self.commune}" if self.code_postal and self.commune else (
            self.code_postal or self.commune)
        return f"{self.adresse}, {city}" if self.adresse and city else (self.adresse or city)

    @property
    def date_maj_text(self) -> str:
        return french_date_of(self.record["date_maj"] or "")



@dataclass
class Published:
    """What every page written from a markdown document has: its slug, texts and address."""

    slug: str
    title: str
    summary: str
    content: str
    url: str
    save_as: str


@dataclass
class Partner(Published):
    kind: str = ""
    kind_label: str = ""
    website: str = ""
    offers: list[str] = field(default_factory=list)
    offer_labels: list[str] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    wanted_by: list[Wanted] = field(default_factory=list)


@dataclass
class Project(Published):
    status: str = ""
    status_label: str = ""
    milestones: list[Milestone] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    partners: list[Partner] = field(default_factory=list)
    places_elsewhere: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    need_labels: list[str] = field(default_factory=list)
    helpers: list[Help] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    last_news: str = ""  # ISO date of the newest milestone
    stale: bool = False  # no news for longer than the follow-up threshold


@dataclass
class Event(Published):
    date: str = ""  # AAAA-MM-JJ, or AAAA-MM when the day is not set
    end: str = ""
    hours: str = ""
    to_confirm: bool = False
    place: Place | None = None
    place_text: str = ""
    organisers: list[Partner] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    upcoming: bool = False

    @property
    def date_text(self) -> str:
        """« 21 juin 2017 », « du 21 au 22 juin 2017 », « octobre 2017 (date à confirmer) »."""
        text = french_date(self.date)
        if self.end and self.end != self.date:
            text = f"du {french_date(self.date)} au {french_date(self.end)}"
        if self.hours:
            text += f", {self.hours.replace('-', ' à ')}"
        return text + (" (date à confirmer)" if self.to_confirm else "")

    @property
    def where(self) -> str:
        return self.place.nom if self.place else self.place_text


@dataclass(frozen=True)
class Help:
    """Who can help a project (a Place or a Partner), and why, in words."""

    target: Any
    kind: str  # "lieu" or "partenaire"
    reason: str


@dataclass(frozen=True)
class Wanted:
    """A project looking for what a place or partner offers."""

    project: Project
    labels: tuple[str, ...]


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
    events: list[Event] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    types: list[TypeGroup] = field(default_factory=list)
    departements: list[tuple[str, str, int]] = field(default_factory=list)
    services: list[tuple[str, str, int]] = field(default_factory=list)
    helpers: list[Any] = field(default_factory=list)  # who offers something, as the matcher saw them (stages.match)

    @property
    def mapped(self) -> list[Place]:
        return [p for p in self.places if p.location]

    @property
    def unmapped(self) -> list[Place]:
        return [p for p in self.places if not p.location]
