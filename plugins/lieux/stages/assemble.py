"""Assemble: places from the validated records and their locations, partners and projects from
their documents, each with its labels and its URL. Links between them are the next stage's."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..core.config import Urls
from ..core.problems import Record
from ..core.region import Region
from ..core.schema import DocumentSchema, Schema
from ..core.text import fold, sort_key
from .documents import Document
from .locate import Location
from .site import UNKNOWN_DEPARTEMENT, Partner, Place, Project, Site


def place(record: Record, schema: Schema, region: Region, location: Location | None, urls: Urls,
          edit_url: str) -> Place:
    category = schema["type"].vocabulary.get(record["type"])
    departement = region.departement_of(record["code_postal"], record.values.get("code_insee", ""))
    services = [schema["services"].label(s) for s in record["services"]]
    arrondissement = region.territory.arrondissement_of(record["code_postal"] or "")
    return Place(
        record=record,
        type_label=category.label,
        type_color=category.color,
        status_label=schema["statut"].label(record["statut"]),
        service_labels=services,
        departement=departement,
        departement_label=(f"{departement} · {region.departements[departement]}" if departement
                           else UNKNOWN_DEPARTEMENT),
        arrondissement=arrondissement,
        location=location,
        url=urls.place.format(id=record["id"]),
        save_as=urls.place_save_as.format(id=record["id"]),
        edit_url=edit_url.format(line=record.line) if edit_url else "",
        search_text=fold(" ".join([record["nom"], record["commune"] or "", record["structure"] or "",
                                   category.label, *record["thematiques"], *services])),
    )


def partner(doc: Document, schema: DocumentSchema, urls: Urls) -> Partner:
    kind = doc.fields.get("nature", "")
    return Partner(
        slug=doc.slug, title=doc.title, kind=kind, kind_label=schema.vocabulary("nature").label(kind) if kind else "",
        website=doc.fields.get("site", ""), summary=doc.summary, content=doc.body,
        url=urls.partner.format(slug=doc.slug), save_as=urls.partner_save_as.format(slug=doc.slug),
    )


def project(doc: Document, schema: DocumentSchema, urls: Urls) -> Project:
    status = doc.fields.get("statut", "")
    return Project(
        slug=doc.slug, title=doc.title, status=status,
        status_label=schema.vocabulary("statut-projet").label(status) if status else "",
        summary=doc.summary, content=doc.body,
        url=urls.project.format(slug=doc.slug), save_as=urls.project_save_as.format(slug=doc.slug),
        milestones=sorted((m for m in doc.fields.get("jalon", []) if m), key=lambda m: m.date),
        places_elsewhere=[text for _, text in doc.fields.get("lieux-hors-region", [])],
    )


def assemble(records: Iterable[Record], locations: Mapping[str, Location], documents: Iterable[Document],
             schema: Schema, document_schema: DocumentSchema, region: Region, urls: Urls,
             edit_url: str = "") -> Site:
    """One Site: every object built, sorted for display, not linked yet."""
    places = sorted((place(r, schema, region, locations.get(r["id"]), urls, edit_url) for r in records),
                    key=lambda p: (sort_key(p.nom), p.id))
    documents = list(documents)
    partners = [partner(d, document_schema, urls) for d in documents if d.kind == "partenaire"]
    projects = [project(d, document_schema, urls) for d in documents if d.kind == "projet"]
    return Site(places=places, partners=sorted(partners, key=lambda p: (sort_key(p.title), p.slug)),
                projects=sorted(projects, key=lambda p: (sort_key(p.title), p.slug)))
