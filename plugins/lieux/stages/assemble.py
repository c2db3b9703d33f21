"""Assemble: places from the validated records and their locations, partners and projects from
their documents, each with its labels and its URL. Links between them are the next stage's."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta

from ..core.config import Urls
from ..core.problems import Record
from ..core.region import Region
from ..core.schema import DocumentSchema, Schema
from ..core.text import sort_key
from .documents import Document, is_dated_event
from .locate import Location
from .site import UNKNOWN_DEPARTEMENT, Event, Partner, Place, Project, Site


def places_of(schema: Schema, region: Region, urls: Urls, edit_url: str) -> Callable[[Record, Location | None], Place]:
    """``place(record, location)``: a Place, with what every place looks up (vocabularies, the territory, URL
    patterns) found once for all of them."""
    types, statuses, services = schema["type"].vocabulary, schema["statut"].vocabulary, schema["services"].vocabulary
    departement_of, arrondissement_of = region.territory.departement_of, region.territory.arrondissement_of
    names = region.departements
    arrondissements: dict[str, int | None] = {}  # places share postcodes: each is looked up once

    def make(record: Record, location: Location | None) -> Place:
        values = record.values
        category = types.by_code[values["type"]]
        postcode = values["code_postal"] or ""
        departement = departement_of(postcode=postcode, insee=values.get("code_insee", "") or "")
        if postcode not in arrondissements:
            arrondissements[postcode] = arrondissement_of(postcode)
        return Place(
            record=record,
            type_label=category.label,
            type_color=category.color,
            status_label=statuses.label(values["statut"]),
            service_labels=[services.label(s) for s in values["services"]],
            departement=departement,
            departement_label=f"{departement} · {names[departement]}" if departement else UNKNOWN_DEPARTEMENT,
            arrondissement=arrondissements[postcode],
            location=location,
            url=urls.place.format(id=values["id"]),
            save_as=urls.place_save_as.format(id=values["id"]),
            edit_url=edit_url.format(line=record.line) if edit_url else "",
        )

    return make


def partner(doc: Document, schema: DocumentSchema, urls: Urls) -> Partner:
    kind = doc.fields.get("nature", "")
    offers = doc.fields.get("offres", [])
    return Partner(
        slug=doc.slug, title=doc.title, kind=kind, kind_label=schema.vocabulary("nature").label(kind) if kind else "",
        website=doc.fields.get("site", ""), summary=doc.summary, content=doc.body,
        url=urls.partner.format(slug=doc.slug), save_as=urls.partner_save_as.format(slug=doc.slug),
        offers=offers, offer_labels=[schema.vocabulary("services").label(c) for c in offers],
    )


def project(doc: Document, schema: DocumentSchema, urls: Urls, today: date, stale_days: int) -> Project:
    status = doc.fields.get("statut", "")
    needs = doc.fields.get("besoins", [])
    milestones = sorted((m for m in doc.fields.get("jalon", []) if m), key=lambda m: m.date)
    last = milestones[-1].date if milestones else ""
    return Project(
        slug=doc.slug, title=doc.title, status=status,
        status_label=schema.vocabulary("statut-projet").label(status) if status else "",
        summary=doc.summary, content=doc.body,
        url=urls.project.format(slug=doc.slug), save_as=urls.project_save_as.format(slug=doc.slug),
        milestones=milestones,
        places_elsewhere=[text for _, text in doc.fields.get("lieux-hors-region", [])],
        needs=needs, need_labels=[schema.vocabulary("services").label(c) for c in needs],
        last_news=last, stale=status != "arrete" and (not last or (today - _day(last)).days > stale_days),
    )


def _day(partial: str) -> date:
    """The last day a partial date can mean: « 2017 » → 2017-12-31, « 2017-06 » → 2017-06-30."""
    parts = [int(p) for p in partial.split("-")]
    if len(parts) == 3:
        return date(*parts)
    if len(parts) == 2:
        return date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1) - timedelta(days=1)
    return date(parts[0], 12, 31)


def event(doc: Document, urls: Urls, today: date) -> Event:
    when = doc.fields.get("date", "")
    last = doc.fields.get("fin", "") or when
    return Event(
        slug=doc.slug, title=doc.title, date=when, end=doc.fields.get("fin", ""), hours=doc.fields.get("horaires", ""),
        to_confirm=doc.fields.get("a-confirmer", False) or len(when) == 7, summary=doc.summary, content=doc.body,
        url=urls.event.format(slug=doc.slug), save_as=urls.event_save_as.format(slug=doc.slug),
        place_text=doc.fields.get("lieu-texte", ""), upcoming=bool(last) and _day(last) >= today,
    )


def assemble(records: Iterable[Record], locations: Mapping[str, Location], documents: Iterable[Document],
             schema: Schema, document_schema: DocumentSchema, region: Region, urls: Urls,
             edit_url: str = "", today: date | None = None, stale_days: int = 730) -> Site:
    """One Site: every object built, sorted for display, not linked yet."""
    today = today or date.today()
    make = places_of(schema, region, urls, edit_url)
    places = sorted((make(r, locations.get(r.values["id"])) for r in records), key=lambda p: (sort_key(p.nom), p.id))
    documents = list(documents)
    partners = [partner(d, document_schema, urls) for d in documents if d.kind == "partenaire"]
    projects = [project(d, document_schema, urls, today, stale_days) for d in documents if d.kind == "projet"]
    events = [event(d, urls, today) for d in documents if is_dated_event(d)]
    return Site(places=places, partners=sorted(partners, key=lambda p: (sort_key(p.title), p.slug)),
                projects=sorted(projects, key=lambda p: (sort_key(p.title), p.slug)),
                events=sorted(events, key=lambda e: (e.date, e.slug)))
